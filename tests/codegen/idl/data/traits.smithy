$version: "2.0"

namespace example.traits

use example.traits.defs#shapeRef

/// Every node value form in trait values.
@unstable
@internal()
@deprecated(message: "use NewThing", since: "2.0")
@since("1.0")
@tags(["a", "b",])
@examples([
    {
        title: "An example"
        input: {count: 1, ratio: -0.25, big: 1e3, flag: true, nothing: null}
        documentation: """
            Text block.
            """
    }
])
@shapeRef(target: Thing, prelude: String, imported: shapeRef, absolute: example.other#Thing)
structure Thing {
    @jsonName("Count")
    @httpHeader("X-Count")
    count: Integer
}
