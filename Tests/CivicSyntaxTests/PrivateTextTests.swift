import Testing
import CivicSyntax

@Suite struct PrivateTextTests {
    @Test func aMarkedValueIsMaskedOrRevealed() {
        let message = "Resident already has a row with id \"" + PrivateText.mark("R10000001") + "\""
        #expect(PrivateText.resolve(message, reveal: false) == "Resident already has a row with id \"R10****0001\"")
        #expect(PrivateText.resolve(message, reveal: true) == "Resident already has a row with id \"R10000001\"")
    }

    @Test func aQuotedMarkedValueKeepsItsQuotes() {
        let message = "found " + PrivateText.mark("\"13800000000\"")
        #expect(PrivateText.resolve(message, reveal: false) == "found \"138****0000\"")
    }

    @Test func shortValuesBecomeStars() {
        #expect(PrivateText.mask("110") == "****")
        #expect(PrivateText.mask("李四") == "****")
        #expect(PrivateText.mask("张三丰先生") == "*****")
        #expect(PrivateText.mask("13800000000") == "138****0000")
    }

    @Test func unmarkedTextIsLeftAlone() {
        #expect(PrivateText.resolve("a \"plain\" message", reveal: false) == "a \"plain\" message")
        #expect(PrivateText.mark("x", if: false) == "x")
    }

    @Test func quotedTextsAreMarked() {
        let marked = PrivateText.markQuoted(#"number cannot read "138abc00000" as a Number, nor "a\"b""#)
        #expect(PrivateText.resolve(marked, reveal: false) == #"number cannot read "138****0000" as a Number, nor "****""#)
        #expect(PrivateText.resolve(marked, reveal: true) == #"number cannot read "138abc00000" as a Number, nor "a\"b""#)
        #expect(PrivateText.markQuoted("no quotes") == "no quotes")
    }

    @Test func aMarkCannotBeForgedByTheValue() {
        let message = PrivateText.mark("ab\u{E001}cdefghij")
        #expect(PrivateText.resolve(message, reveal: false) == "abc****ghij")
    }
}
