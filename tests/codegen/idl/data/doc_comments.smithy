$version: "2.0"

namespace example.docs

/// First line.
///
///   Indented third line.
///No space after the slashes.
@sensitive
structure Documented {
    /// Member documentation.
    @required
    member: String

    @required
    /// Ignored: a doc comment after traits documents nothing.
    other: String
}

// A line comment is not documentation.
string NotDocumented
