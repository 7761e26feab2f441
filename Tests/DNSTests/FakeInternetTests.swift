import BridgeModel
@testable import DNS
import Testing

/// The sandbox's fake internet answers its few names with its own address and NXDOMAIN for the
/// rest, so a lab can tell "resolved outside" from "not resolved".
@Suite struct FakeInternetTests {
    /// A plain query (RD set, no EDNS) for `name`.
    func query(_ name: String, type: UInt16 = DNSType.a, id: UInt16 = 0x1234) -> [UInt8] {
        [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
            + wireName(name) + [UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
    }

    @Test(arguments: ["example.test", "internet.test", "Example.TEST", "www.example.test"])
    func knownNamesResolveToTheFakeInternet(name: String) throws {
        let response = try DecodedResponse(#require(FakeInternet.answer(query(name))))
        #expect(response.id == 0x1234)
        #expect(response.rcode == DNSRCode.noError)
        #expect(response.question?.name == name)
        #expect(response.answers.count == 1)
        #expect(response.answers.first?.type == DNSType.a)
        #expect(response.answers.first?.data == [203, 0, 113, 1])
        #expect(response.answers.first?.ttl == FakeInternet.ttl)
    }

    @Test func otherNamesDoNotExist() throws {
        for name in ["serveur", "example.com", "test", "nope.internet.test"] {
            let response = try DecodedResponse(#require(FakeInternet.answer(query(name))))
            #expect(response.rcode == DNSRCode.nxDomain, "\(name)")
            #expect(response.answers.isEmpty)
        }
    }

    @Test func otherTypesOfAKnownNameAreEmptyButExist() throws {
        let response = try DecodedResponse(#require(FakeInternet.answer(query("internet.test", type: DNSType.aaaa))))
        #expect(response.rcode == DNSRCode.noError)
        #expect(response.answers.isEmpty)
    }

    @Test func malformedQueriesGetAnErrorAndResponsesNothing() throws {
        #expect(FakeInternet.answer([1, 2, 3]) == nil)
        var answered = query("example.test")
        answered[2] |= 0x80
        #expect(FakeInternet.answer(answered) == nil)
        let truncated = Array(query("example.test").dropLast(3))
        let error = try DecodedResponse(#require(FakeInternet.answer(truncated)))
        #expect(error.rcode == DNSRCode.formErr)
    }
}
