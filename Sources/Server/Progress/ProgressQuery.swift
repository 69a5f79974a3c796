import Foundation
import Hummingbird
import Shared

/// The options of a progress request: which municipality list, and when a laptop counts as stale.
struct ProgressQuery: Sendable, Equatable {
    /// Days without a sync after which a laptop is listed, unless the request says otherwise.
    static let defaultStaleDays = 3

    var list: MunicipalityList = .list2025
    var staleDays: Int = defaultStaleDays

    init(list: MunicipalityList = .list2025, staleDays: Int = defaultStaleDays) {
        self.list = list
        self.staleDays = staleDays
    }

    /// Reads `list` (2024 or 2025) and `staleDays` (0–365) from the query string; 400 for other values.
    init(_ request: Request) throws {
        let parameters = request.uri.queryParameters
        if let text = parameters.get("list"), !text.isEmpty {
            guard let list = MunicipalityList(rawValue: text) else {
                throw APIError.badRequest("list must be 2024 or 2025 (the municipalities before or after the 2025 mergers), not \"\(text)\".")
            }
            self.list = list
        }
        if let text = parameters.get("staleDays"), !text.isEmpty {
            guard let days = Int(text), (0...365).contains(days) else {
                throw APIError.badRequest("staleDays must be a whole number of days from 0 to 365, not \"\(text)\".")
            }
            staleDays = days
        }
    }
}
