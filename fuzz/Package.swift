// swift-tools-version:6.0
// Fuzz targets for Verdict, run by scripts/fuzz.sh. Each target is a static library holding an
// `LLVMFuzzerTestOneInput` entry point; the script builds it with libFuzzer and AddressSanitizer
// instrumentation and links it against libFuzzer's own `main`.
import PackageDescription

let targets = ["FuzzConversation", "FuzzRules", "FuzzScore"]

let package = Package(
    name: "VerdictFuzz",
    products: targets.map { .library(name: $0, type: .static, targets: [$0]) },
    dependencies: [.package(name: "Verdict", path: "..")],
    targets: targets.map { .target(name: $0, dependencies: [.product(name: "Verdict", package: "Verdict")]) },
    swiftLanguageModes: [.v6]
)
