import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` for the command line before every build: the commit the package
/// was built from (with `-dirty` when tracked files differ from it), or nil outside a git
/// checkout. The file is rewritten only when that changes, so a build with nothing new
/// compiles nothing new.
@main
struct BuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("generated")
        let script = """
            set -u
            out="$1/BuildInfo.swift"
            mkdir -p "$1"
            commit=$(git -C "$2" rev-parse --short=12 HEAD 2>/dev/null) || commit=""
            if [ -n "$commit" ]; then
                if [ -n "$(git -C "$2" status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit-dirty"; fi
                value="\\"$commit\\""
            else
                value="nil"
            fi
            text="/// The commit this binary was built from, written by the BuildInfo plugin.
            let buildCommit: String? = $value"
            if [ ! -f "$out" ] || [ "$(cat "$out")" != "$text" ]; then printf '%s\\n' "$text" > "$out"; fi
            """
        return [.prebuildCommand(displayName: "Recording the commit being built",
                                 executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: ["-c", script, "build-info", output.path, context.package.directoryURL.path],
                                 outputFilesDirectory: output)]
    }
}
