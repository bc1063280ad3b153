$version: "2.0"

namespace example.aggregates

list Names {
    @length(min: 1)
    member: String
}

@sparse
map Counts {
    key: String
    value: Integer
}

structure Person {
    @required
    name: String
    /// Nick names.
    nicknames: Names
    counts: Counts
}

union Pet {
    cat: String
    dog: Person
}
