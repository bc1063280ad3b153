$version: "2.0"

namespace example.apply

use example.other#External

@mixin
structure Base {
    id: String
}

structure Thing with [Base] {
    name: String
}

apply Thing @documentation("A thing.")

apply Thing$name {
    @required
    @length(min: 1)
}

// A member the structure only has through its mixin.
apply Thing$id @required

// A shape of another file: stays an apply statement in the JSON AST.
apply External @tags(["external"])

apply Thing @tags(["one"])
apply Thing @tags(["two"])
