import Foundation

/// Keeps a run from destroying its input: an output may not be any file the run reads.
public enum OutputSafety {
    /// Why writing `output` would overwrite one of `inputs` (files named, or files in folders
    /// named) or a rule file under `rules`; nil when it would not. Files are compared by device
    /// and inode, so links and other spellings of a path are caught.
    public static func conflict(output: String, inputs: [String], rules: [String] = [],
                                inputExtensions: Set<String> = ["json", "jsonl"]) -> String? {
        guard let target = FileIdentity(path: output) else { return nil }
        for input in inputs where input != "-" {
            if FileIdentity(path: input) == target {
                return "'\(output)' is the same file as input '\(input)'; choose another output (nothing was read or written)"
            }
        }
        for path in rules {
            guard case let .success(files) = FileWalker.walk(path, extensions: ["yaml", "yml"]) else { continue }
            for file in files where FileIdentity(path: file) == target {
                return "'\(output)' is the same file as rule file '\(file)'; choose another output (nothing was read or written)"
            }
        }
        return nil
    }

    /// The files a run must never read as input: `output` (when it exists already) and standard
    /// output when it is a regular file.
    public static func ownOutputs(_ output: String?) -> Set<FileIdentity> {
        var set: Set<FileIdentity> = []
        if let output, let identity = FileIdentity(path: output) { set.insert(identity) }
        if let stdout = StandardStreams.state.outputFile { set.insert(stdout) }
        return set
    }
}
