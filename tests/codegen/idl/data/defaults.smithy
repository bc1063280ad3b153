$version: "2.0"

namespace example.defaults

structure Settings {
    retries: Integer = 3
    ratio: Double = 0.5
    name: String = ""
    enabled: Boolean = false
    tags: Tags = []
    labels: Labels = {}
    @clientOptional
    mode: Mode = "fast"
}

list Tags {
    member: String
}

map Labels {
    key: String
    value: String
}

enum Mode {
    FAST = "fast"
    SLOW = "slow"
}
