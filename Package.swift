// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Verdict",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Verdict", targets: ["Verdict"]),
        .executable(name: "verdict", targets: ["VerdictCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(
            name: "Verdict",
            dependencies: ["CPCRE2", "CSQLite", .product(name: "Yams", package: "Yams")]
        ),
        // The command line; its folder and module are not named 'verdict', which would differ
        // from the library's 'Verdict' only in case (one name on a case-insensitive disk).
        .executableTarget(
            name: "VerdictCLI",
            dependencies: ["Verdict", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            plugins: ["BuildInfo"]
        ),
        // Records the commit being built, for `verdict --version`.
        .plugin(name: "BuildInfo", capability: .buildTool()),
        .testTarget(
            name: "VerdictTests",
            dependencies: ["Verdict", "VerdictCLI", "CSQLite"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
