import Testing

@testable import Crypto

@Suite struct SecretComparatorTests {
    @Test func matchesExactSecretOnly() throws {
        let comparator = try SecretComparator(expected: "s3cret-value")
        #expect(comparator.matches("s3cret-value".utf8))
        #expect(comparator.matches(Array("s3cret-value".utf8)))
        for wrong in [
            "s3cret-valu", "3cret-value", "s3cret-value ", "xs3cret-value", "s3cret-valuf", "S3cret-value", "",
        ] {
            #expect(!comparator.matches(wrong.utf8), "accepted \(wrong)")
        }
    }

    @Test func prefixOfPresentedIsNotEnough() throws {
        let comparator = try SecretComparator(expected: "abc")
        #expect(!comparator.matches("abcdef".utf8))
        #expect(!comparator.matches("ab".utf8))
    }

    @Test func twoComparatorsUseDifferentKeysButAgree() throws {
        let first = try SecretComparator(expected: "same")
        let second = try SecretComparator(expected: "same")
        #expect(first.matches("same".utf8) && second.matches("same".utf8))
    }
}
