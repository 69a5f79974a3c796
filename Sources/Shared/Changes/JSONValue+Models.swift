import Foundation

extension JSONValue {
    /// The JSON value of any encodable model (a questionnaire, a roster row).
    public init(encoding model: some Encodable) throws {
        let data = try JSONEncoder().encode(model)
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Decodes a model from this value.
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(self))
    }
}
