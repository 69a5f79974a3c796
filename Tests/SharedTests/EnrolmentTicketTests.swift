import Foundation
import Shared
import Testing

@Suite("Enrolment codes carrying the server's key")
struct EnrolmentTicketTests {
    let pin = CertificatePin(sha256: Data((0..<32).map { UInt8($0 * 7 % 256) }))

    @Test("a code with a pin prints and reads back; the pin converts to libcurl's form")
    func roundTrip() throws {
        let text = EnrolmentTicket(code: "ABCD-EFGH", pin: pin).text
        #expect(text.hasPrefix("ABCD-EFGH."))
        #expect(!text.contains("+") && !text.contains("/") && !text.contains("="), "safe to type and to paste into a shell")
        let read = try #require(EnrolmentTicket(parsing: text))
        #expect(read == EnrolmentTicket(code: "ABCD-EFGH", pin: pin))
        #expect(read.pin?.curlPinnedPublicKey == "sha256//" + pin.sha256.base64EncodedString())
        #expect(CertificatePin(text: pin.curlPinnedPublicKey) == pin)
    }

    @Test("an old code without a pin keeps working")
    func oldCode() {
        #expect(EnrolmentTicket(parsing: " ABCD-EFGH ") == EnrolmentTicket(code: "ABCD-EFGH", pin: nil))
    }

    @Test("a mistyped pin is no pin at all: refused, not ignored", arguments: ["ABCD-EFGH.", "ABCD-EFGH.abc", "ABCD-EFGH.!!!!"])
    func mistyped(text: String) {
        #expect(EnrolmentTicket(parsing: text) == nil)
    }
}
