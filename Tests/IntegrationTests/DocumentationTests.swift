import Foundation
import TestSupport
import Testing

/// The docs say what the binary says.
@Suite struct DocumentationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func testConfigurationPageIsTheHelpText() throws {
        let help = try RelayProcess.runToCompletion(arguments: ["--help"], environment: [:])
        let page = try String(
            contentsOf: Self.repository.appendingPathComponent("docs/configuration.md"),
            encoding: .utf8
        )
        #expect(page.contains("```\n" + help.standardOutput + "```"), "regenerate docs/configuration.md from --help")
    }
}
