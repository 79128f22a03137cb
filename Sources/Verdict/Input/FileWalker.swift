import Foundation

/// Expands a path given on the command line into the files to read: the file itself, or a
/// folder's files with the wanted extensions, recursively, in byte-wise order of their whole
/// relative paths. Folders that cannot be listed, and symlink loops, are reported in place.
///
/// A walk reads regular files only (a FIFO or device inside a folder would block or never
/// end) and passes over hidden files and folders (`.git/`, `.old/`, editor lock files such as
/// `.#a.yaml`), as git and ripgrep do. A path named explicitly is always read.
public enum FileWalker {
    public struct Problem: Error, Sendable {
        public let path: String
        public let message: String
    }

    public enum Entry: Sendable, Equatable {
        case file(String)
        case unreadable(path: String, message: String)
    }

    /// The files under `path`; fails when `path` itself cannot be read.
    public static func walk(_ path: String, extensions: Set<String>) -> Result<[String], Problem> {
        switch entries(path, extensions: extensions) {
        case let .failure(p): return .failure(p)
        case let .success(list):
            var files: [String] = []
            for entry in list {
                switch entry {
                case let .file(f): files.append(f)
                case let .unreadable(p, m): return .failure(Problem(path: p, message: m))
                }
            }
            return .success(files)
        }
    }

    /// The size of the regular file at `path` (following links); 0 when there is none.
    static func regularFileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : 0
    }

    public static func entries(_ path: String, extensions: Set<String>) -> Result<[Entry], Problem> {
        var st = stat()
        guard stat(path, &st) == 0 else {
            return .failure(Problem(path: path, message: String(cString: strerror(errno)).lowercased()))
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            guard access(path, R_OK) == 0 else {
                return .failure(Problem(path: path, message: String(cString: strerror(errno)).lowercased()))
            }
            return .success([.file(path)])
        }
        var found: [(relative: [UInt8], entry: Entry)] = []
        var visited: Set<[UInt64]> = [[UInt64(st.st_dev), UInt64(st.st_ino)]]
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let top = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            return .failure(Problem(path: path, message: "permission denied"))
        }
        collect(base: base, relative: "", names: top, extensions: extensions, visited: &visited, into: &found)
        found.sort { $0.relative.lexicographicallyPrecedes($1.relative) }
        return .success(found.map(\.entry))
    }

    private static func collect(base: String, relative: String, names: [String], extensions: Set<String>,
                                visited: inout Set<[UInt64]>, into found: inout [(relative: [UInt8], entry: Entry)]) {
        for name in names where !name.hasPrefix(".") {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let full = base + "/" + rel
            var st = stat()
            guard stat(full, &st) == 0 else {
                // A dangling link or a file gone since the listing.
                if extensions.contains((name as NSString).pathExtension) {
                    found.append((Array(rel.utf8), .unreadable(path: full, message: String(cString: strerror(errno)).lowercased())))
                }
                continue
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                let key = [UInt64(st.st_dev), UInt64(st.st_ino)]
                guard !visited.contains(key) else {
                    found.append((Array(rel.utf8), .unreadable(path: full, message: "symlink loop: folder already visited")))
                    continue
                }
                visited.insert(key)
                guard let children = try? FileManager.default.contentsOfDirectory(atPath: full) else {
                    found.append((Array(rel.utf8), .unreadable(path: full, message: "permission denied")))
                    continue
                }
                collect(base: base, relative: rel, names: children, extensions: extensions, visited: &visited, into: &found)
                visited.remove(key)
            } else if (st.st_mode & S_IFMT) == S_IFREG, extensions.contains((name as NSString).pathExtension) {
                found.append((Array(rel.utf8), .file(full)))
            }
        }
    }
}
