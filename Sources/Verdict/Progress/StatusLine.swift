import Foundation

/// Standard error, shared by messages and the progress line: a message written while the
/// line is shown clears it first, so the two never run into each other. The line is redrawn
/// at the display's next update.
public final class StatusLine: @unchecked Sendable {
    public static let standardError = StatusLine(descriptor: 2)

    private let descriptor: Int32
    private let lock = NSLock()
    private var shown = false {
        didSet { if descriptor == 2 { Interruption.statusShown = shown ? 1 : 0 } }
    }

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// Writes `text` and a line feed, clearing the status line first if it is shown.
    public func message(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        var bytes: [UInt8] = shown ? Array(StatusLine.clear.utf8) : []
        bytes += Array(text.utf8)
        bytes.append(0x0A)
        // Marked hidden only once cleared: a signal in between clears it (twice is harmless).
        emit(bytes)
        shown = false
    }

    /// Shows `text` as the status line, in place of the one shown. On standard error, an
    /// interrupted run clears it (`Interruption`).
    func show(_ text: String) {
        if descriptor == 2 { Interruption.install() }
        lock.lock()
        defer { lock.unlock() }
        // Marked shown before it is drawn: a signal arriving just after the write must find it
        // marked, or the line would stay on the terminal.
        shown = true
        emit(Array(("\r" + text + "\u{1B}[K").utf8))
    }

    /// Removes the status line, if one is shown.
    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if shown { emit(Array(StatusLine.clear.utf8)) }
        shown = false
    }

    /// Back to the start of the line, and erase to its end.
    private static let clear = "\r\u{1B}[K"

    /// Writes all of `bytes`; a failed write (a closed terminal) is dropped, as progress and
    /// messages have nowhere else to go.
    private func emit(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                offset += n
            }
        }
    }
}
