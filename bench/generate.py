#!/usr/bin/env python3
"""Writes a seeded corpus of call-centre conversations in Verdict's transcript format.

    python3 bench/generate.py COUNT OUTPUT.jsonl [--seed N]

The same COUNT and seed always give the same bytes. Conversations have about 20 events:
agent and user text (with some non-ASCII names, currency signs and typographic quotes),
flow events, function calls with nested arguments and results, logged metrics and state.
"""
import argparse
import json
import random

FIRST = ["John", "Maria", "José", "Zoë", "Priya", "Łukasz", "Søren", "Aiyana", "Chen", "Fatima",
         "François", "Ngọc", "Oluwaseun", "Grace", "Mehmet", "Ana", "Dmitri", "Hannah"]
LAST = ["Smith", "García", "Müller", "Okafor", "Nguyen", "Kowalski", "Jensen", "Dubois", "Patel",
        "Yılmaz", "O’Brien", "Silva", "Kim", "Rossi", "Novák", "Brown"]
AGENTS = ["Ana", "Ben", "Chloé", "Dev", "Emre", "Fiona"]
CURRENCY = [("EUR", "€"), ("GBP", "£"), ("USD", "$")]

OPENERS = [
    "Thank you for calling Northwind, this is {agent}. How can I help you today?",
    "Hi, you’re through to Northwind support, {agent} speaking. What can I do for you?",
    "Good morning, Northwind customer care, my name is {agent}. How may I help?",
]
CLOSERS = [
    "Is there anything else I can help you with today?",
    "Thanks for calling Northwind — have a lovely day.",
    "You’re all set. Anything else before you go?",
]
VERIFY_ASK = [
    "Before we start, can I take your full name and the phone number on the account?",
    "Could you confirm your name and date of birth for security, please?",
    "For security, what’s the postcode and the last four digits of the card on file?",
]
EMPATHY = [
    "I’m sorry to hear that, let me take a look.",
    "I understand how frustrating that is. Let me check for you.",
    "Thanks for your patience, I’ll sort this out.",
    "Okay, one moment while I pull that up.",
]
USER_FILLERS = [
    "Okay.", "Sure.", "Yes, that’s right.", "Mm-hmm.", "Great, thanks.", "No, that’s it.",
    "Hang on a second.", "Sorry, could you repeat that?", "Perfect.", "Right, okay then.",
]
SCENARIOS = {
    "Billing": {
        "asks": ["I was charged twice on my last bill.", "Why is my invoice {amount} this month?",
                 "There’s a charge I don’t recognise on my statement.",
                 "I want a refund for the overcharge, it’s ridiculous."],
        "agent": ["I can see the invoice for {period} came to {amount}.",
                  "It looks like a late fee was added to that bill.",
                  "I’ve raised a refund of {amount} to your original payment method.",
                  "The refund should reach your account within five working days."],
    },
    "Orders": {
        "asks": ["Where is my order? It was meant to arrive yesterday.",
                 "I’d like to track order {order}.", "My parcel hasn’t turned up.",
                 "The package arrived damaged, the box was crushed."],
        "agent": ["Order {order} is with {carrier} and should arrive on {date}.",
                  "I can see it left the depot this morning.",
                  "I’m sorry it arrived damaged, I’ll arrange a replacement.",
                  "Your tracking number is {tracking}."],
    },
    "Account Access": {
        "asks": ["I can’t log in to my account.", "I forgot my password.",
                 "My account got locked after too many attempts.", "I need to reset my PIN."],
        "agent": ["I’ve sent a password reset link to your email.",
                  "I’ve unlocked the account, please try again now.",
                  "You’ll get a text with a one-time code shortly.",
                  "For your security I can’t read the password out, but I can reset it."],
    },
    "Appointments": {
        "asks": ["I’d like to book an engineer visit.", "Can I move my appointment to next week?",
                 "Do you have anything on {date}?", "I need someone to come out and fix the router."],
        "agent": ["I have {time} on {date} available, does that suit?",
                  "Your appointment is confirmed for {date} at {time}, reference {ref}.",
                  "I’m afraid {date} is fully booked, the next slot is {time} the day after.",
                  "The engineer will call thirty minutes before arriving."],
    },
    "Cancellation": {
        "asks": ["I want to cancel my contract.", "I’m thinking of leaving, the price went up again.",
                 "Please close my account.", "How much is the early termination fee?"],
        "agent": ["I can offer you {amount} off for the next six months if you stay.",
                  "The early termination fee would be {amount}.",
                  "I’ve scheduled the cancellation for {date}.",
                  "I’m sorry to see you go, I’ve processed that now."],
    },
}
ESCALATION_USER = ["Can I speak to a manager?", "I want to talk to a real person.",
                   "This is useless, put me through to someone else.", "I’d like to make a complaint."]
ESCALATION_AGENT = ["I’ll transfer you to my supervisor now.", "Let me put you through to the complaints team.",
                    "I’m connecting you with a specialist, please hold."]


def money(rng):
    code, sign = rng.choice(CURRENCY)
    value = round(rng.uniform(5, 400), 2)
    return {"value": value, "currency": code}, f"{sign}{value:.2f}"


def conversation(rng, index):
    at = 0.0
    events = []

    def say(kind, text, **extra):
        nonlocal at
        at += rng.uniform(1.0, 6.0)
        events.append({"type": kind, "text": text, "at": round(at, 1), **extra})

    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    agent = rng.choice(AGENTS)
    flow = rng.choice(sorted(SCENARIOS))
    scenario = SCENARIOS[flow]
    amount_obj, amount = money(rng)
    day = rng.randint(1, 28)
    month = rng.randint(1, 12)
    fill = {
        "agent": agent, "amount": amount, "order": f"NW-{rng.randint(100000, 999999)}",
        "carrier": rng.choice(["DHL", "UPS", "Royal Mail", "La Poste"]), "date": f"{day} {['January','February','March','April','May','June','July','August','September','October','November','December'][month - 1]}",
        "time": f"{rng.randint(8, 17)}:{rng.choice(['00', '30'])}", "ref": f"R{rng.randint(1000, 9999)}",
        "period": rng.choice(["March", "April", "last month"]), "tracking": f"{rng.randint(10**9, 10**10 - 1)}",
    }
    say("agent", rng.choice(OPENERS).format(**fill))
    say("user", rng.choice(scenario["asks"]).format(**fill), intents=[flow.lower().replace(" ", "_")])
    events.append({"type": "flow", "flow": "Authentication", "step": "ask_identity"})
    say("agent", rng.choice(VERIFY_ASK))
    phone = f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
    say("user", f"It’s {name}, and the number is {phone}.", intents=["give_identity"])
    verified = rng.random() < 0.85
    events.append({"type": "function", "name": "lookup_account",
                   "args": {"customer": {"name": name, "phone": phone}, "channel": "voice"},
                   "result": {"found": verified, "account": {"id": f"A{index:07d}", "tier": rng.choice(["basic", "plus", "premium"]),
                                                             "tags": rng.sample(["vip", "late_payer", "new", "loyal"], 2)}}})
    if not verified:
        say("agent", "I’m sorry, I can’t find an account with those details. Could you spell the surname?")
        say("user", " ".join(rng.choice(LAST).upper()))
    events.append({"type": "state", "key": "tier", "value": rng.choice(["basic", "plus", "premium"])})
    events.append({"type": "flow", "flow": flow, "step": "start"})
    say("agent", rng.choice(EMPATHY))
    for _ in range(rng.randint(2, 4)):
        say("agent", rng.choice(scenario["agent"]).format(**fill))
        say("user", rng.choice(USER_FILLERS + scenario["asks"]).format(**fill))
    call = {
        "Billing": ("issue_refund", {"invoice": {"id": f"INV-{rng.randint(1000, 9999)}", "period": fill["period"]}, "amount": amount_obj, "reason": rng.choice(["double_charge", "late_fee", "goodwill"])},
                    {"status": rng.choice(["approved", "approved", "declined"]), "eta_days": 5}),
        "Orders": ("track_order", {"order_id": fill["order"], "include": ["events", "eta"]},
                   {"status": rng.choice(["in_transit", "delivered", "lost"]), "carrier": {"name": fill["carrier"], "tracking": fill["tracking"]}}),
        "Account Access": ("reset_password", {"account_id": f"A{index:07d}", "method": rng.choice(["email", "sms"])},
                           {"sent": rng.random() < 0.9}),
        "Appointments": ("book_appointment", {"slot": {"date": f"2026-{month:02d}-{day:02d}", "time": fill["time"]}, "location": {"postcode": "SW1A 1AA", "access": {"parking": True}}},
                         {"confirmed": rng.random() < 0.8, "ref": fill["ref"]}),
        "Cancellation": ("cancel_service", {"account_id": f"A{index:07d}", "effective": f"2026-{month:02d}-{day:02d}", "retention_offer": {"discount": amount_obj}},
                         {"status": rng.choice(["cancelled", "retained"])}),
    }[flow]
    event = {"type": "function", "name": call[0], "args": call[1], "result": call[2]}
    if rng.random() < 0.05:
        event = {"type": "function", "name": call[0], "args": call[1], "error": "upstream timeout"}
    events.append(event)
    if rng.random() < 0.15:
        say("user", rng.choice(ESCALATION_USER), intents=["escalate"])
        say("agent", rng.choice(ESCALATION_AGENT))
        events.append({"type": "function", "name": "transfer_call", "args": {"queue": rng.choice(["supervisors", "complaints", "retention"])}})
        events.append({"type": "handoff", "destination": "human", "reason": "caller_request"})
    else:
        say("agent", rng.choice(CLOSERS))
        say("user", rng.choice(["No, that’s all, thank you.", "That’s everything, cheers.", "No thanks, bye.", "Actually, one more thing — never mind."]))
        events.append({"type": "metric", "name": "CSAT", "value": rng.randint(1, 5)})
    events.append({"type": "metric", "name": "RESOLVED", "value": rng.random() < 0.7})
    events.append({"type": "end", "reason": rng.choice(["agent_hangup", "caller_hangup", "transfer"])})
    return {"id": f"NW-{index:08d}", "started_at": f"2026-{month:02d}-{day:02d}T{rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z",
            # Cohorts by position, so that the random stream (and so every call) is as before.
            "metadata": {"channel": "chat" if index % 5 == 0 else "voice", "language": "en-GB",
                         "variant": ["v10", "v11", "v12", "v13"][index % 4]}, "events": events}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.output, "w", encoding="utf-8") as out:
        for i in range(args.count):
            out.write(json.dumps(conversation(rng, i), ensure_ascii=False, separators=(",", ":")))
            out.write("\n")


if __name__ == "__main__":
    main()
