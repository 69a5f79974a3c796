import HTTPTypes

extension APIError {
    /// The HTTP answer to a domain refusal: the one place its status is chosen.
    init(_ error: DomainError) {
        let status: HTTPResponse.Status =
            switch error.kind {
            case .malformed: .badRequest
            case .invalid: .unprocessableContent
            case .notFound: .notFound
            case .conflict: .conflict
            case .gone: .gone
            case .forbidden: .forbidden
            case .unauthorized: .unauthorized
            case .busy: .serviceUnavailable
            }
        self.init(status: status, code: error.code, message: error.message, retryAfter: error.retryAfter)
    }
}
