$version: "1.0"

namespace example.v1

set Tags {
    member: String
}

structure Counters {
    plain: PrimitiveInteger
    boxed: Integer
    @box
    optional: PrimitiveLong
    flag: PrimitiveBoolean
    count: Count
    tags: Tags
}

integer Count

@box
integer BoxedCount
