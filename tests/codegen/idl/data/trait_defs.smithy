$version: "2.0"

namespace example.traits.defs

@trait
structure shapeRef {
    target: String
    prelude: String
    imported: String
    absolute: String
}

/// A list trait: applied with no value it is an empty list.
@trait
list markers {
    member: String
}

/// A structure trait: applied with no value it is an empty object.
@trait
structure flag {}

@markers
@flag
string Marked
