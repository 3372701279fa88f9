import EventLoop
import HTTP
import Store

/// `GET /stats` and `GET /stats/:app_id` (CONTRACT.md §9.4). Each runs as a task on the request's loop.
extension RelayApplication {
    /// The caller's own records; the token check of §2.4 first.
    func userStats(_ request: RelayRequest) async {
        guard let account = await authenticated(request) else { return }
        switch await context.accounts.userStats(account) {
        case .failure(let error): respond(request, error: error)
        case .success(let stats): respond(request, status: 200, json: StatsDocument.user(stats))
        }
    }

    /// Every record of one app, for the operator: `APP_SECRET` checked in constant time (§1.3), 503 without one.
    func appStats(_ request: RelayRequest, encodedAppID: String) async {
        // §9.4 check 1 before check 2: with a secret, a missing or wrong header is 401; without one, always 503.
        guard let gate = context.registrationGate else {
            respond(request, error: .statsNeedAppSecret)
            return
        }
        guard gate.admits(authorization: request.exchange.head.headers.values(for: "authorization")) else {
            respond(request, error: .statsUnauthorized)
            return
        }
        let (appID, canHaveRecords) = Self.appID(percentEncoded: encodedAppID)
        guard canHaveRecords else {
            respond(request, status: 200, json: StatsDocument.app(appID, .empty))
            return
        }
        switch await context.accounts.appStats(appID: appID) {
        case .failure(let error): respond(request, error: error)
        case .success(let stats): respond(request, status: 200, json: StatsDocument.app(appID, stats))
        }
    }

    /// The `:app_id` segment percent-decoded (§9.4; a `%` without two hex digits stays), and whether any registration
    /// can have produced it. One that is not UTF-8 (shown with U+FFFD) or that §2.1 check 6 refuses has no records,
    /// and gets zeros without a query (PostgreSQL could not even take one with NUL).
    static func appID(percentEncoded segment: String) -> (text: String, canHaveRecords: Bool) {
        let bytes = PercentDecoding.decoded(segment.utf8)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return (String(decoding: bytes, as: UTF8.self), false)
        }
        guard case .success = AccountInput.appID(.string(text)) else { return (text, false) }
        return (text, true)
    }
}
