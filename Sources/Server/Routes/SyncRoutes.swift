import Foundation
import Hummingbird
import Logging
import Secrets
import Shared

extension EnrolResponse: ResponseEncodable {}
extension UserSummary: ResponseEncodable {}

/// `POST /v1/enrol` and `POST /v1/sync`: how laptops join and exchange changes.
struct SyncRoutes {
    let store: any ServerStore
    let config: ServerConfig
    /// Failed enrolment codes, per source address and per code.
    let enrolAttempts: AttemptThrottle
    let sources: SourceAddress

    init(store: any ServerStore, config: ServerConfig) {
        self.store = store
        self.config = config
        self.enrolAttempts = AttemptThrottle("enrol", policy: config.signInThrottle, store: store, now: config.now)
        self.sources = SourceAddress(trustedProxies: config.trustedProxies)
    }

    /// The last millisecond of the year 9999. A `clientTime` outside 0 … this is no laptop clock (and a very
    /// negative one would overflow the measured offset).
    static let latestClientTime: Int64 = 253_402_300_799_999

    func register(on router: Router<AppRequestContext>) {
        router.post("/v1/enrol", use: enrol)
        router.post("/v1/sync", use: sync)
        router.get("/v1/me", use: me)
    }

    /// Who the token belongs to.
    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> UserSummary {
        let principal = try context.requirePrincipal()
        return UserSummary(id: principal.user, name: principal.name, role: principal.role)
    }

    @Sendable func enrol(_ request: Request, context: AppRequestContext) async throws -> EnrolResponse {
        let body = try await request.decodeJSON(EnrolRequest.self, what: "enrolment request", limit: 64 * 1024)
        try DomainError.checkControlCharacters(body.code, in: "code")
        try DomainError.checkControlCharacters(body.deviceName, in: "deviceName")
        let name = body.deviceName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else {
            throw APIError.unprocessable("deviceName must be 1 to 100 characters, e.g. the laptop's host name.")
        }
        let address = sources.client(request, context: context)
        // Keys, not the code itself: the throttle's table holds no secret.
        let keys = ["address:" + address, "code:" + Secret.hash(Secret.normalisedCode(body.code))]
        if let wait = try await enrolAttempts.retryAfter(keys) {
            context.logger.warning("enrolment refused: too many failed codes", metadata: ["auth.address": "\(address)", "auth.retry_after": "\(wait)"])
            throw APIError.tooManyAttempts(
                localized(
                    nl: "Te veel verkeerde aanmeldcodes vanaf dit adres of voor deze code; probeer opnieuw over \(Self.minutes(wait)). Controleer de code met je coördinator.",
                    en: "Too many wrong enrolment codes from this address or for this code; try again in \(Self.minutes(wait)). Check the code with your coordinator."
                ),
                retryAfter: wait
            )
        }
        let response: EnrolResponse
        do {
            response = try await store.enrol(code: body.code, deviceName: name, now: config.now())
        } catch let error as DomainError where error.kind == .unauthorized {
            let pause = try await enrolAttempts.recordFailure(keys)
            context.logger.notice(
                "enrolment code refused",
                metadata: ["auth.address": "\(address)", "auth.reason": "\(error.message)", "auth.paused_for": "\(pause ?? 0)"]
            )
            throw error
        }
        try await enrolAttempts.recordSuccess(["address:" + address])
        context.logger.info("device enrolled", metadata: ["sync.device": "\(response.device)", "sync.user": "\(response.user.id)"])
        return response
    }

    /// "3 minutes", "1 minute", "45 seconds": how long a refused caller waits, for a sentence.
    static func minutes(_ seconds: Int) -> String {
        if seconds < 60 { return counted(seconds, nl: ("seconde", "seconden"), en: ("second", "seconds")) }
        return counted((seconds + 59) / 60, nl: ("minuut", "minuten"), en: ("minute", "minutes"))
    }

    @Sendable func sync(_ request: Request, context: AppRequestContext) async throws -> WrittenJSON {
        if context.principal == nil, let revoked = context.revokedDevice { return try await finalSync(request, revoked: revoked, context: context) }
        let principal = try context.requirePrincipal()
        guard let device = principal.device else {
            throw APIError.forbidden(localized(
                nl: "Synchroniseren vraagt het toesteltoken van een laptop; meld de laptop aan met `veldwerk enrol`.",
                en: "Sync needs a laptop's device token; enrol the laptop with `veldwerk enrol`."
            ))
        }
        let body = try await request.decodeJSON(what: "sync request", limit: config.maxBodyBytes) { try SyncRequest(wireJSON: $0) }
        guard body.device == device else {
            throw APIError.forbidden("This token belongs to device \(device), not \(body.device).")
        }
        guard (0...Self.latestClientTime).contains(body.clientTime) else {
            throw APIError.unprocessable("clientTime must be the laptop's clock in milliseconds since 1970, not \(body.clientTime); nothing was stored.")
        }
        guard body.push.count <= config.pushBatchLimit else {
            throw APIError.tooLarge("A sync may push at most \(config.pushBatchLimit) changes; send the rest in the next request.")
        }
        let now = config.now()
        // A clock too far ahead would win every merge: refuse those changes; the laptop stamps them again.
        let tooFarAhead = body.push.filter { ClockSkew.isTooFarAhead($0.hlc, now: now.millisecondsSince1970, limit: config.maxClockSkewMs) }
        let skewedIDs = Set(tooFarAhead.map(\.id))
        let offset = now.millisecondsSince1970 - body.clientTime
        // The push, the sync time and the measured offset are one transaction (shared with pushes arriving alongside).
        var pushed = try await store.push(
            skewedIDs.isEmpty ? body.push : body.push.filter { !skewedIDs.contains($0.id) }, from: principal, now: now, clockOffsetMs: offset
        )
        if !tooFarAhead.isEmpty {
            try await store.recordClockSkew(device: device, changes: tooFarAhead.count, at: now)
            pushed.rejected += tooFarAhead.map { change in
                Rejection(
                    changeId: change.id, code: .clockSkew,
                    reason: "Stamped \((change.hlc.wall - now.millisecondsSince1970) / 60_000) minutes ahead of the server's clock; stamp it again with the corrected clock."
                )
            }
        }
        config.metrics.record(push: pushed, size: body.push.count)
        let scopes = try await store.readableScopes(for: principal)
        // Cursors of another log history (the server was restored from a backup since) point at positions
        // that now hold other changes, or none yet: that laptop pulls from the start (see `logEpoch`).
        let cursors = body.logEpoch == nil || body.logEpoch == store.logEpoch ? body.cursors : [:]
        let pulled = try await store.pull(scopes: scopes, cursors: cursors, excluding: device, limit: config.pullBatchLimit)
        context.logger.debug(
            "sync",
            metadata: [
                "sync.device": "\(device)", "sync.accepted": "\(pushed.accepted.count)", "sync.rejected": "\(pushed.rejected.count)",
                "sync.pulled": "\(pulled.changes.count)",
            ]
        )
        // Written by hand: the pulled changes go out as the log holds them, without decoding and encoding each again.
        var writer = JSONWriter(capacity: 256 + pulled.changes.reduce(0) { $0 + $1.json.count + 1 })
        SyncResponse.writeJSON(
            accepted: pushed.accepted, rejected: pushed.rejected, pull: pulled.changes.map(\.json), cursors: pulled.cursors, more: pulled.more,
            serverTime: config.now().millisecondsSince1970, logEpoch: store.logEpoch, to: &writer
        )
        return WrittenJSON(bytes: writer.bytes)
    }
}

extension SyncRoutes {
    /// A revoked laptop's sync: nothing is merged and nothing pulled; its unsent changes wait in the
    /// quarantine for a coordinator, and the answer says `revoked`, upon which the laptop deletes the study's data.
    func finalSync(_ request: Request, revoked: Principal, context: AppRequestContext) async throws -> WrittenJSON {
        guard let device = revoked.device else { throw APIError.unauthorized("This token is not valid.") }
        let body = try await request.decodeJSON(what: "sync request", limit: config.maxBodyBytes) { try SyncRequest(wireJSON: $0) }
        guard body.device == device else { throw APIError.forbidden("This token belongs to device \(device), not \(body.device).") }
        guard body.push.count <= config.pushBatchLimit else {
            throw APIError.tooLarge("A sync may push at most \(config.pushBatchLimit) changes; send the rest in the next request.")
        }
        let held = try await store.holdFinalPush(body.push, from: device, now: config.now())
        context.logger.notice(
            "revoked laptop synced: unsent changes held in quarantine",
            metadata: ["sync.device": "\(device)", "sync.user": "\(revoked.user)", "sync.quarantined": "\(held.rejected.count)"]
        )
        var writer = JSONWriter(capacity: 256)
        SyncResponse.writeJSON(
            accepted: held.accepted, rejected: held.rejected, pull: [], cursors: [:], more: false,
            serverTime: config.now().millisecondsSince1970, revoked: true, to: &writer
        )
        return WrittenJSON(bytes: writer.bytes)
    }
}

/// A response whose JSON body is written already.
struct WrittenJSON: ResponseGenerator {
    var bytes: [UInt8]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
