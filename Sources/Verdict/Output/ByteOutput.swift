import Foundation

/// Where output goes: a file descriptor written through one buffer. A failed write (a full
/// disk, a closed pipe) is remembered and reported by `flush()`.
public final class ByteOutput {
    private let fd: Int32
    private let closeWhenDone: Bool
    private var buffer: [UInt8] = []
    private let capacity: Int
    public private(set) var failure: String?

    public init(fd: Int32, closeWhenDone: Bool = false, capacity: Int = 1 << 16) {
        self.fd = fd
        self.closeWhenDone = closeWhenDone
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    /// Opens (creating or truncating) a file for writing.
    public static func file(_ path: String) throws -> ByteOutput {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw OutputError(message: "cannot write '\(path)': \(String(cString: strerror(errno)).lowercased())")
        }
        return ByteOutput(fd: fd, closeWhenDone: true)
    }

    public static var standardOutput: ByteOutput { ByteOutput(fd: 1) }

    deinit {
        try? flush()
        if closeWhenDone { close(fd) }
    }

    public func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { drain() }
    }

    public func write(_ text: String) { write(Array(text.utf8)) }

    public func flush() throws {
        drain()
        if let failure { throw OutputError(message: failure) }
    }

    private func drain() {
        guard failure == nil else { buffer.removeAll(keepingCapacity: true); return }
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { p in Glibc.write(fd, p.baseAddress! + offset, p.count - offset) }
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

public struct OutputError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
