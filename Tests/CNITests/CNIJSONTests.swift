import CNI
import Testing

@Suite struct CNIJSONTests {
    @Test func keepsKeyOrderAndNumberTextThroughARoundTrip() throws {
        let text = #"{"z":1,"a":[true,false,null],"n":-1.50e+3,"s":"x\"y\\z\n\u0001","o":{}}"#
        let value = try CNIJSON(parsing: text)
        #expect(value.compact == #"{"z":1,"a":[true,false,null],"n":-1.50e+3,"s":"x\"y\\z\n\u0001","o":{}}"#)
        #expect(value["n"] == .number("-1.50e+3"))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try CNIJSON(parsing: #"["\u00e9\/\ud83d\ude00", "é"]"#)
        #expect(value == .array([.string("é/😀"), .string("é")]))
    }

    @Test func aRepeatedKeyKeepsTheLastValueInTheFirstPlace() throws {
        #expect(try CNIJSON(parsing: #"{"a":1,"b":2,"a":3}"#).compact == #"{"a":3,"b":2}"#)
    }

    @Test(arguments: [
        "", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "01", "1.", "-", "tru", "\"\\x\"", "\"\\ud800\"", "{} {}",
        "\"a\u{01}\"", "\"\\u12G4\"", "\"\\u+123\"", String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
    ])
    func refusesMalformedInput(text: String) {
        #expect(throws: CNIJSONError.self) { try CNIJSON(parsing: text) }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: CNIJSONError.self) { try CNIJSON(parsing: [0x22, 0xff, 0x22]) }
    }

    @Test func settingReplacesInPlaceOrAppends() {
        let object = CNIJSON.object([("a", .int(1)), ("b", .int(2))])
        #expect(object.setting("a", to: .int(9)).compact == #"{"a":9,"b":2}"#)
        #expect(object.setting("c", to: .null).compact == #"{"a":1,"b":2,"c":null}"#)
    }
}
