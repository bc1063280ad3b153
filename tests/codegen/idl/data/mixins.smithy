$version: "2.0"

namespace example.mixins

@mixin
structure Timestamps {
    created: Timestamp
    @documentation("When it last changed.")
    updated: Timestamp
}

@mixin
structure Named with [Timestamps] {
    @required
    name: String
}

/// A widget, with the fields of both mixins.
structure Widget with [Named] {
    size: Integer
    // Elided: the target comes from the mixin (through its own mixin).
    @required
    $created
}

@mixin
@length(min: 1)
string Identifier

string WidgetId with [Identifier]

@mixin
list StringList {
    member: String
}

list Aliases with [StringList] {}
