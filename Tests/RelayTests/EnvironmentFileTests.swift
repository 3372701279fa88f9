import Relay
import Testing

@Suite struct EnvironmentFileTests {
    static let cases: [(String, [String: String])] = [
        ("A=1", ["A": "1"]),
        ("A=1\nB=2\n", ["A": "1", "B": "2"]),
        ("A=1\r\nB=2\r\n", ["A": "1", "B": "2"]),
        ("\n\n  \nA=1\n\n", ["A": "1"]),
        ("# comment\nA=1\n  # indented comment", ["A": "1"]),
        ("export A=1", ["A": "1"]),
        ("export   A = 1 ", ["A": "1"]),
        ("exportA=1", ["exportA": "1"]),
        ("A='single # not a comment'", ["A": "single # not a comment"]),
        ("A=\"double # not a comment\"", ["A": "double # not a comment"]),
        ("A=\"line\\nbreak\"", ["A": "line\nbreak"]),
        ("A='line\\nbreak'", ["A": "line\\nbreak"]),
        ("A=\"say \\\"hi\\\"\"", ["A": "say \"hi\""]),
        ("A=\"quoted\" # trailing comment", ["A": "quoted"]),
        ("A=value # comment", ["A": "value"]),
        ("A=value#not-comment", ["A": "value#not-comment"]),
        ("A=value\t# tab comment", ["A": "value"]),
        ("A= # only a comment", ["A": ""]),
        ("A=", ["A": ""]),
        ("A=\nB=2", ["A": "", "B": "2"]),
        ("A=  padded  ", ["A": "padded"]),
        ("A=x=y", ["A": "x=y"]),
        ("A=1\nA=2", ["A": "2"]),
        ("A=\"multi\nline\"\nB=2", ["A": "multi\nline", "B": "2"]),
        ("A=\"unclosed", ["A": "\"unclosed"]),
        ("not an assignment\nA=1", ["A": "1"]),
        ("=value\n1A=2\nA=1", ["A": "1"]),
        ("\u{FEFF}A=1", ["A": "1"]),
        ("A=postgres://u:p@h/db?sslmode=require", ["A": "postgres://u:p@h/db?sslmode=require"]),
    ]

    @Test(arguments: cases)
    func testFileIsParsed(_ text: String, _ expected: [String: String]) {
        #expect(EnvironmentFile.parse(text) == expected)
    }
}
