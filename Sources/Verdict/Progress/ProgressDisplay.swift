import Foundation

/// Shows a `ProgressMeter` on standard error while a command reads, from a thread of its own:
/// on a terminal, one line redrawn four times a second and cleared at the end; elsewhere
/// (`--progress` into a log), a line a second and a summary line at the end. Never on
/// standard output, and never part of any result.
public final class ProgressDisplay: @unchecked Sendable {
    public enum Mode: Sendable, Equatable {
        /// One line redrawn in place.
        case terminal
        /// Plain lines, for logs.
        case lines

        /// Whether to show progress, and how. `--quiet` wins; then `--progress`; then
        /// `VERDICT_PROGRESS` (`0` never, `1` always); else only when standard error is a
        /// terminal and standard output is not (results shown on the terminal are progress
        /// enough, and a status line would run into them), nor a pipe into another command:
        /// of `verdict score | verdict report`, only the last stage draws, so two lines never
        /// fight over one terminal.
        public static func choose(progress: Bool, quiet: Bool, environment: [String: String],
                                  errorIsTerminal: Bool, outputIsTerminal: Bool, outputIsPipe: Bool = false) -> Mode? {
            if quiet { return nil }
            let forced: Bool
            switch (progress, environment["VERDICT_PROGRESS"]) {
            case (true, _), (false, "1"): forced = true
            case (false, "0"): return nil
            default: forced = false
            }
            if errorIsTerminal { return forced || (!outputIsTerminal && !outputIsPipe) ? .terminal : nil }
            return forced ? .lines : nil
        }
    }

    public let meter = ProgressMeter()
    private let mode: Mode
    private let line: StatusLine
    private let condition = NSCondition()
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)
    private let started = DispatchTime.now()

    /// What the line starts with: the command it belongs to ("verdict score").
    private let label: String

    public init(mode: Mode, line: StatusLine = .standardError, label: String = "verdict") {
        self.mode = mode
        self.label = label
        self.line = line
        let thread = Thread { [self] in loop() }
        thread.name = "progress"
        thread.start()
    }

    /// Stops the display: the line is cleared (terminal) or a summary written (lines).
    /// Safe to call more than once.
    public func finish() {
        condition.lock()
        if stopped {
            condition.unlock()
            return
        }
        stopped = true
        condition.broadcast()
        condition.unlock()
        done.wait()
        switch mode {
        case .terminal: line.clear()
        case .lines:
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            line.message(label + ": " + ProgressText.summary(meter.reading(), seconds: seconds))
        }
    }

    /// Recent counts, for rates measured over the last few seconds rather than the whole run.
    private struct Sample {
        var time: Double
        var records: Int
        var bytes: Int
    }

    private func loop() {
        defer { done.signal() }
        let interval = mode == .terminal ? 0.25 : 1.0
        let window = 5.0
        var samples: [Sample] = []
        var pass = 0
        while true {
            condition.lock()
            if !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: interval)) }
            let stop = stopped
            condition.unlock()
            if stop { return }
            var reading = meter.reading()
            if reading.pass == 0 { continue }
            if reading.pass != pass {
                // A new pass: its rates start afresh, and its total is summed here, not on
                // the reading thread, since summing a folder's sizes is a walk.
                pass = reading.pass
                samples = []
                meter.resolveTotal()
                reading = meter.reading()
            }
            let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
            samples.append(Sample(time: now, records: reading.records, bytes: reading.bytes))
            while samples.count > 2 && now - samples[1].time >= window { samples.removeFirst() }
            var rate: Double?, byteRate: Double?
            if let first = samples.first, now - first.time >= 1 {
                rate = Double(reading.records - first.records) / (now - first.time)
                byteRate = Double(reading.bytes - first.bytes) / (now - first.time)
            }
            let text = label + ": " + ProgressText.status(reading, rate: rate, byteRate: byteRate)
            switch mode {
            case .terminal: line.show(fitted(text))
            case .lines: line.message(text)
            }
        }
    }

    /// `text` cut to the terminal's width, so that it never wraps (a wrapped line cannot be
    /// redrawn in place).
    private func fitted(_ text: String) -> String {
        var size = winsize()
        let columns = ioctl(2, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
        return text.count < columns ? text : String(text.prefix(max(1, columns - 1)))
    }
}
