/// Why a request's model, or the body that carries it, was refused (CONTRACT.md §6.1 steps 2–6, §5.6).
///
/// The wire text lives in `ErrorResponse`, the one mapping from errors to the wire; `relayError` names the case.
package enum ModelRefusal: Error, Equatable, Sendable {
    /// `415`: a non-empty body whose `Content-Type` is not JSON (§1.1).
    case unsupportedMediaType
    /// `400`: the body is not well-formed JSON (§1.1).
    case invalidJSON
    /// `400`: the top-level object has more than one `model` member once names are unescaped (§5.6, §6.1 step 3):
    /// the relay would check one value while the provider used another.
    case duplicateModelMember
    /// `400`: `model` is missing, `null`, `false`, `0` or `""` (§6.1 step 4).
    case modelRequired
    /// `400`: `model` names no route (§6.2); the text is the string as sent, or a non-string's JSON text.
    case unroutableModel(String)
    /// `403`: `ALLOWED_MODELS` matches no form of the model (§6.5, §5.6); the entries as configured.
    case modelNotPermitted(model: String, allowedModels: [String])

    /// The error the relay answers with.
    var relayError: RelayError {
        switch self {
        case .unsupportedMediaType: .unsupportedMediaType
        case .invalidJSON: .invalidJSON
        case .duplicateModelMember: .duplicateModelMember
        case .modelRequired: .modelRequired
        case .unroutableModel(let model): .unroutableModel(model)
        case .modelNotPermitted(let model, let allowedModels):
            .modelNotPermitted(model: model, allowedModels: allowedModels)
        }
    }
}
