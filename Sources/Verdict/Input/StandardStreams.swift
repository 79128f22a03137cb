import Foundation

/// What the process was given as standard input and output, probed once at start-up.
///
/// A stream that was closed when Verdict started (`verdict score - <&-`) is reported as such,
/// and its descriptor is taken by `/dev/null` at once, so that no file opened later can land on
/// descriptor 0 or 1 and be mistaken for standard input or output.
public enum StandardStreams {
    public struct State: Sendable {
        public let inputClosed: Bool
        public let outputClosed: Bool
        /// Device and inode of standard output when it is a regular file (`> results.jsonl`),
        /// so that a run never reads its own output back as input.
        public let outputFile: FileIdentity?
    }

    /// The state at start-up. The first use probes and reserves; call `probe()` first thing.
    public static let state: State = {
        func closed(_ fd: Int32) -> Bool { fcntl(fd, F_GETFD) == -1 && errno == EBADF }
        let inputClosed = closed(0), outputClosed = closed(1)
        if inputClosed { reserve(0, O_RDONLY) }
        if outputClosed { reserve(1, O_WRONLY) }
        var st = stat()
        let file = !outputClosed && fstat(1, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
            ? FileIdentity(st) : nil
        return State(inputClosed: inputClosed, outputClosed: outputClosed, outputFile: file)
    }()

    /// Probes the standard streams; call first thing, before any file is opened or thread
    /// started. Also unblocks SIGINT, SIGTERM and SIGHUP, which a parent may leave blocked in
    /// the mask a process inherits: a run must stay stoppable, and clean up when stopped.
    public static func probe() {
        _ = state
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    private static func reserve(_ fd: Int32, _ mode: Int32) {
        let opened = open("/dev/null", mode)
        if opened >= 0 && opened != fd {
            _ = dup2(opened, fd)
            close(opened)
        }
    }
}

/// A file's device and inode: the same file whatever path, link or spelling names it.
public struct FileIdentity: Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }

    /// The identity of the file at `path` (following links), or nil when there is none.
    public init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        self.init(st)
    }
}
