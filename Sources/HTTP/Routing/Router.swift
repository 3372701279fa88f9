/// Maps a method and path to a route: literal segments, `:name` parameters and a trailing `*` that takes the rest.
/// Built once at start-up into an immutable value every loop reads without locks.
package struct Router<Target: Sendable>: Sendable {
    /// One route as registered.
    package struct Route: Sendable {
        package let method: String
        package let template: String
        package let target: Target

        package init(_ method: String, _ template: String, _ target: Target) {
            self.method = method
            self.template = template
            self.target = target
        }
    }

    /// The outcome of a lookup.
    package enum Match {
        /// `parameters` in template order; `remainder` is what `*` took (without its leading `/`), `nil` without `*`.
        case found(Route, parameters: [(name: String, value: Substring)], remainder: Substring?)
        /// The path matches `template`, the method does not; `allowed` is the value of the `Allow` header.
        case methodNotAllowed(template: String, allowed: String)
        case notFound
    }

    private enum Segment: Sendable {
        case literal(String)
        case parameter(String)
        case rest
    }

    private struct Template: Sendable {
        let text: String
        let segments: [Segment]
        var routes: [Route]
    }

    private let templates: [Template]
    /// Templates without parameters, by their exact path: most requests are found with one hash lookup.
    private let literalTemplates: [String: Int]
    /// The other templates by their first segment when it is literal (e.g. `relay`), in registration order; those
    /// starting with a parameter are in `parameterFirstTemplates`. A lookup only tries templates that can match.
    private let templatesByFirstSegment: [String: [Int]]
    private let parameterFirstTemplates: [Int]

    /// Builds the router. Templates start with `/`; `*` may only be the last segment.
    package init(_ routes: [Route]) {
        var templates: [Template] = []
        for route in routes {
            if let index = templates.firstIndex(where: { $0.text == route.template }) {
                templates[index].routes.append(route)
            } else {
                let segments = route.template.split(separator: "/").map { part -> Segment in
                    if part == "*" { return .rest }
                    if part.hasPrefix(":") { return .parameter(String(part.dropFirst())) }
                    return .literal(String(part))
                }
                templates.append(Template(text: route.template, segments: segments, routes: [route]))
            }
        }
        self.templates = templates
        var literalTemplates: [String: Int] = [:]
        for (index, template) in templates.enumerated() {
            let isLiteral = template.segments.allSatisfy { if case .literal = $0 { true } else { false } }
            if isLiteral { literalTemplates[template.text] = index }
        }
        self.literalTemplates = literalTemplates
        var byFirstSegment: [String: [Int]] = [:]
        var parameterFirst: [Int] = []
        for (index, template) in templates.enumerated() where literalTemplates[template.text] == nil {
            if case .literal(let first) = template.segments.first {
                byFirstSegment[first, default: []].append(index)
            } else {
                parameterFirst.append(index)
            }
        }
        templatesByFirstSegment = byFirstSegment
        parameterFirstTemplates = parameterFirst
    }

    /// Looks up `method` and `path` (without query). Case-sensitive; a single trailing slash is ignored on routes
    /// without `*` (CONTRACT.md §1.2). `HEAD` is served by a `GET` route.
    package func match(method: String, path: Substring) -> Match {
        let exactPath = path.count > 1 && path.last == "/" ? path.dropLast() : path
        if let index = literalTemplates[String(exactPath)] {
            let template = templates[index]
            if let route = Self.route(in: template, for: method) {
                return .found(route, parameters: [], remainder: nil)
            }
            return .methodNotAllowed(template: template.text, allowed: Self.allowHeader(for: template.routes))
        }
        var pathAllowed: Template?
        let afterSlash = path.dropFirst()
        let firstSegment = afterSlash[..<(afterSlash.firstIndex(of: "/") ?? afterSlash.endIndex)]
        let literalFirst = templatesByFirstSegment[String(firstSegment)] ?? []
        let candidates =
            parameterFirstTemplates.isEmpty ? literalFirst : (literalFirst + parameterFirstTemplates).sorted()
        for index in candidates {
            let template = templates[index]
            guard let (parameters, remainder) = Self.match(template.segments, path) else { continue }
            if let route = Self.route(in: template, for: method) {
                return .found(route, parameters: parameters, remainder: remainder)
            }
            if pathAllowed == nil { pathAllowed = template }
        }
        guard let pathAllowed else { return .notFound }
        return .methodNotAllowed(template: pathAllowed.text, allowed: Self.allowHeader(for: pathAllowed.routes))
    }

    /// The route of `template` serving `method`; `HEAD` falls back to `GET`.
    private static func route(in template: Template, for method: String) -> Route? {
        template.routes.first { $0.method == method }
            ?? (method == "HEAD" ? template.routes.first { $0.method == "GET" } : nil)
    }

    /// CONTRACT.md §1.2: the route's methods, `HEAD` after `GET`, then `OPTIONS`.
    private static func allowHeader(for routes: [Route]) -> String {
        var methods: [String] = []
        for route in routes where !methods.contains(route.method) {
            methods.append(route.method)
            if route.method == "GET", !routes.contains(where: { $0.method == "HEAD" }) { methods.append("HEAD") }
        }
        methods.append("OPTIONS")
        return methods.joined(separator: ", ")
    }

    private static func match(
        _ segments: [Segment],
        _ path: Substring
    ) -> ([(name: String, value: Substring)], Substring?)? {
        guard path.first == "/" else { return nil }
        var body = path.dropFirst()
        let endsWithRest = if case .rest = segments.last { true } else { false }
        if !endsWithRest, body.last == "/" { body = body.dropLast() }  // one trailing slash is ignored
        var parameters: [(name: String, value: Substring)] = []
        var cursor = body.startIndex
        var isExhausted = false
        for segment in segments {
            if case .rest = segment { return (parameters, isExhausted ? body[body.endIndex...] : body[cursor...]) }
            guard !isExhausted else { return nil }
            let end = body[cursor...].firstIndex(of: "/") ?? body.endIndex
            let part = body[cursor..<end]
            switch segment {
            case .literal(let literal): guard part == literal else { return nil }
            case .parameter(let name):
                guard !part.isEmpty else { return nil }
                parameters.append((name, part))
            case .rest: break
            }
            if end == body.endIndex { isExhausted = true } else { cursor = body.index(after: end) }
        }
        return isExhausted ? (parameters, nil) : nil
    }
}
