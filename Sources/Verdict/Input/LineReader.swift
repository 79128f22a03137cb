import Foundation

/// Reads a file line by line in large chunks, finding line ends with `memchr`. Lines that hold
/// only white space are skipped but counted; a byte-order mark before the first line and a
/// carriage return before a line feed are dropped. A line longer than `maxLineBytes` is not
/// kept: it is reported as too long and skipped to its end, so memory stays bounded whatever
/// the input (`/dev/zero` included).
///
/// It reads with read(2), which returns what a pipe has rather than waiting for a whole
/// chunk, and says when the next line would wait for input (`wouldWait`), so that results of
/// calls already read can be written before it does (`tail -f calls.jsonl | verdict score -`).
final class LineReader {
    /// The longest line read by default: 256 MiB.
    static let defaultMaxLineBytes = 256 << 20

    enum Line {
        case text([UInt8])
        /// A line over the limit; its bytes were dropped.
        case tooLong
    }

    private let file: UnsafeMutablePointer<FILE>
    private let closeWhenDone: Bool
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    private var lineNumber = 0
    /// Bytes read from the file so far, buffered or not.
    private var readTotal = 0
    private(set) var failure: String?
    private let maxLineBytes: Int
    /// Set while the rest of an over-long line is being skipped.
    private var skipping = false
    /// Where `wouldWait` found the next line feed, for `nextRawLine` to start from.
    private var knownLineFeed: Int?

    init(file: UnsafeMutablePointer<FILE>, closeWhenDone: Bool, maxLineBytes: Int = LineReader.defaultMaxLineBytes,
         chunkSize: Int = 1 << 20) {
        self.file = file
        self.closeWhenDone = closeWhenDone
        self.maxLineBytes = max(1, maxLineBytes)
        buffer = [UInt8](repeating: 0, count: min(chunkSize, max(4096, maxLineBytes + 1)))
    }

    deinit { if closeWhenDone { fclose(file) } }

    /// The bytes held for lines: the buffer only grows, and never past about twice
    /// `maxLineBytes`, whatever the input (a test reads it to hold memory flat).
    var bufferBytes: Int { buffer.count }

    /// Bytes of the file handed out as lines (or skipped) so far, line feeds included.
    var consumed: Int { readTotal - (end - start) }

    /// The next line that is not blank, with its number from 1; nil at the end.
    func nextLine() -> (Int, Line)? {
        while true {
            guard let (lo, hi) = nextRawLine() else { return nil }
            lineNumber += 1
            if lo < 0 { return (lineNumber, .tooLong) }
            var a = lo, b = hi
            if lineNumber == 1, b - a >= 3, buffer[a] == 0xEF, buffer[a + 1] == 0xBB, buffer[a + 2] == 0xBF { a += 3 }
            if b > a, buffer[b - 1] == 0x0D { b -= 1 }
            var blank = true
            for i in a..<b where !(buffer[i] == 0x20 || buffer[i] == 0x09 || buffer[i] == 0x0D || buffer[i] == 0x0A) {
                blank = false
                break
            }
            if blank { continue }
            return (lineNumber, .text(Array(buffer[a..<b])))
        }
    }

    /// Whether reading the next line would wait for input that has not arrived: no line feed
    /// is buffered, the input has not ended, and its descriptor stays quiet for `quietMilliseconds`
    /// (a pipe or terminal; a regular file never waits). The short grace keeps a pipe that is
    /// merely between two writes of a fast producer from counting as stalled, which would cut
    /// batches short and cost throughput.
    func wouldWait(quietMilliseconds: Int32 = 10) -> Bool {
        if eof { return false }
        if start < end, let found = lineFeed(from: start) {
            knownLineFeed = found
            return false
        }
        var descriptor = pollfd(fd: fileno(file), events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, quietMilliseconds) == 0
    }

    private func lineFeed(from position: Int) -> Int? {
        buffer.withUnsafeBufferPointer { p -> Int? in
            guard let hit = memchr(p.baseAddress! + position, 0x0A, end - position) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(p.baseAddress!)
        }
    }

    /// Bounds of the next line in `buffer` (without its line feed), refilling as needed;
    /// (-1, -1) for a line over the limit, once its end has been read past.
    private func nextRawLine() -> (Int, Int)? {
        var searchFrom = start
        while true {
            if searchFrom < end {
                let found: Int?
                if let known = knownLineFeed, known >= searchFrom, known < end {
                    found = known
                } else {
                    found = lineFeed(from: searchFrom)
                }
                knownLineFeed = nil
                if let nl = found {
                    let line = (start, nl)
                    start = nl + 1
                    if skipping || line.1 - line.0 > maxLineBytes {
                        skipping = false
                        return (-1, -1)
                    }
                    return line
                }
            }
            if eof {
                if skipping {
                    skipping = false
                    start = end
                    return (-1, -1)
                }
                guard start < end else { return nil }
                let line = (start, end)
                start = end
                return line.1 - line.0 > maxLineBytes ? (-1, -1) : line
            }
            if skipping || end - start > maxLineBytes {
                // Over the limit: drop what is buffered and read on to the line's end.
                skipping = true
                start = 0
                end = 0
            }
            // Move the partial line to the front, grow if it fills the buffer, and read more.
            let partial = end - start
            if start > 0 {
                buffer.withUnsafeMutableBufferPointer { p in
                    _ = memmove(p.baseAddress!, p.baseAddress! + start, partial)
                }
                start = 0
                end = partial
            }
            if end == buffer.count { buffer += [UInt8](repeating: 0, count: min(buffer.count, maxLineBytes + 1)) }
            searchFrom = end
            // read(2), not fread: a pipe's bytes come back as they arrive, not a chunk at a time.
            var n = 0
            while true {
                n = buffer.withUnsafeMutableBufferPointer { p in read(fileno(file), p.baseAddress! + end, p.count - end) }
                if n >= 0 || errno != EINTR { break }
            }
            if n < 0 {
                failure = String(cString: strerror(errno)).lowercased()
                n = 0
            }
            end += n
            readTotal += n
            if n == 0 { eof = true }
        }
    }
}
