import EventLoop
import Store

/// The statistics of CONTRACT.md §9.4 over the retained request records; the windows end now.
extension AccountService {
    /// The caller's own records (`GET /stats`).
    func userStats(_ account: Account) async -> Result<RequestStats, RelayError> {
        do throws(StoreError) {
            return .success(try await store.userStats(userID: account.userID, now: WallClock.nowMilliseconds()))
        } catch {
            return .failure(map(error, operation: "user stats"))
        }
    }

    /// Every record of `appID` (`GET /stats/:app_id`).
    func appStats(appID: String) async -> Result<RequestStats, RelayError> {
        do throws(StoreError) {
            return .success(try await store.appStats(appID: appID, now: WallClock.nowMilliseconds()))
        } catch {
            return .failure(map(error, operation: "app stats"))
        }
    }
}
