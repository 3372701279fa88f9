import Foundation

/// The `.sql` files of a migrations directory, sorted by name.
enum FileList {
    static func sqlFiles(in directory: String) throws -> [(name: String, contents: String)] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
            .map { file in
                (
                    String(file.dropLast(".sql".count)),
                    try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
                )
            }
    }
}
