import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where output goes: standard output, or a file written atomically, through one buffer.
///
/// A file is written to a hidden temporary file beside it (`.NAME.verdict-XXXXXX`) and renamed
/// into place by `commit()`: a run that fails, or is killed, leaves the previous file as it
/// was. A failed write (a full disk, a closed pipe) is remembered and reported by `flush()` and
/// `commit()`. Standard output is one shared writer per process, so that what is buffered is
/// flushed, and its errors reported, in one place. Not for use by two threads at once.
public final class ByteOutput: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int
    /// For a file: the temporary file written, and the path it becomes.
    private var temporary: String?
    private let destination: String?
    public private(set) var failure: String?

    /// Whether to close `fd` when done (a device or FIFO opened by path).
    private var closing = false

    public init(fd: Int32, capacity: Int = 1 << 16) {
        self.fd = fd
        self.capacity = capacity
        destination = nil
        buffer.reserveCapacity(capacity)
    }

    private convenience init(fd: Int32, closing: Bool) {
        self.init(fd: fd)
        self.closing = closing
    }

    private init(fd: Int32, temporary: String, destination: String) {
        self.fd = fd
        capacity = 1 << 16
        self.temporary = temporary
        self.destination = destination
        buffer.reserveCapacity(capacity)
    }

    /// The process's standard output. Reports `bad file descriptor` when the process was
    /// started with standard output closed.
    public static let standardOutput: ByteOutput = {
        let out = ByteOutput(fd: 1)
        if StandardStreams.state.outputClosed { out.failure = "cannot write output: bad file descriptor" }
        return out
    }()

    /// Starts writing `path` atomically: nothing appears at `path` until `commit()`. A path that
    /// is not a regular file (`/dev/stdout`, `/dev/null`, a FIFO) is written in place: it
    /// cannot be replaced, and must not be.
    public static func file(_ given: String) throws -> ByteOutput {
        // A symbolic link is written through, as `>` in a shell does: its target gets the new
        // content and the link stays a link (the rename below would otherwise replace it).
        let path = ByteOutput.followingLinks(given)
        var st = stat()
        var mode: mode_t
        if stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { throw OutputError(message: "cannot write '\(path)': it is a folder") }
            if (st.st_mode & S_IFMT) != S_IFREG {
                let fd = open(path, O_WRONLY)
                guard fd >= 0 else {
                    throw OutputError(message: "cannot write '\(path)': \(String(cString: strerror(errno)).lowercased())")
                }
                return ByteOutput(fd: fd, closing: true)
            }
            mode = st.st_mode & 0o7777
        } else {
            let mask = umask(0)
            umask(mask)
            mode = 0o666 & ~mask
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var template = Array((folder + "/." + url.lastPathComponent + ".verdict-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw OutputError(message: "cannot write '\(path)': \(String(cString: strerror(errno)).lowercased())")
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(fd, mode)
        TemporaryFiles.register(temporary)
        return ByteOutput(fd: fd, temporary: temporary, destination: path)
    }

    /// `path` with every symbolic link in its last component followed (a dangling link gives
    /// the path it points to, which the write then creates); at most 40 links, as the kernel allows.
    static func followingLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(current, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK,
                  let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { return current }
            current = target.hasPrefix("/") ? target : (URL(fileURLWithPath: current).deletingLastPathComponent().path as NSString).appendingPathComponent(target)
        }
        return current
    }

    deinit {
        if closing { close(fd) }
        if let temporary {
            close(fd)
            unlink(temporary)
            TemporaryFiles.unregister(temporary)
        }
    }

    public func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { drain() }
    }

    public func write(_ text: String) { write(Array(text.utf8)) }

    /// Writes out what is buffered now, keeping a write error for `flush` to throw: for results
    /// that should reach a reader before more input arrives.
    public func sendBuffered() { drain() }

    /// Writes out what is buffered; throws the first write error of this output.
    public func flush() throws {
        drain()
        if let failure { throw OutputError(message: failure) }
    }

    /// Flushes, then, for a file, moves it into place. Standard output is only flushed.
    public func commit() throws {
        try flush()
        guard let temporary, let destination else { return }
        defer { self.temporary = nil; close(fd); TemporaryFiles.unregister(temporary) }
        guard fsync(fd) == 0 || errno == EINVAL, rename(temporary, destination) == 0 else {
            let reason = String(cString: strerror(errno)).lowercased()
            unlink(temporary)
            failure = "cannot write '\(destination)': \(reason)"
            throw OutputError(message: failure!)
        }
    }

    private func drain() {
        guard failure == nil else { buffer.removeAll(keepingCapacity: true); return }
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { p in systemWrite(fd, p.baseAddress! + offset, p.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = "cannot write output: \(String(cString: strerror(errno)).lowercased())"
                break
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, bytes, count)
    #else
    return Darwin.write(fd, bytes, count)
    #endif
}

public struct OutputError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Temporary output files not yet renamed into place, removed when the process is
/// interrupted (SIGINT, SIGTERM, SIGHUP; see `Interruption`) so that a killed run leaves nothing behind.
enum TemporaryFiles {
    private static let lock = NSLock()
    /// C strings, read by the signal handler: it may only call async-signal-safe functions.
    nonisolated(unsafe) static var paths = [UnsafeMutablePointer<CChar>?](repeating: nil, count: 16)

    static func register(_ path: String) {
        Interruption.install()
        lock.lock()
        defer { lock.unlock() }
        if let slot = paths.firstIndex(where: { $0 == nil }) { paths[slot] = strdup(path) }
    }

    static func unregister(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        for i in paths.indices {
            if let p = paths[i], String(cString: p) == path {
                paths[i] = nil
                free(p)
            }
        }
    }
}

/// What a run undoes when SIGINT, SIGTERM or SIGHUP stops it, before dying of the signal as
/// it would have: temporary output files are removed, and a progress line on the terminal
/// is cleared (so the shell's prompt does not land after it). Installed once, by the first
/// part that needs it.
enum Interruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false
    /// Set while `StatusLine.standardError` shows a line; read by the handler.
    nonisolated(unsafe) static var statusShown: Int32 = 0
    /// `\r ESC [ K`, made before any handler can run: the handler may not allocate.
    nonisolated(unsafe) private static var clearLine: UnsafeMutablePointer<CChar>?

    static func install() {
        lock.lock()
        defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        clearLine = strdup("\r\u{1B}[K")
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { sig in
                for case let p? in TemporaryFiles.paths { unlink(p) }
                if Interruption.statusShown != 0, let clear = Interruption.clearLine { _ = write(2, clear, 4) }
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }
}
