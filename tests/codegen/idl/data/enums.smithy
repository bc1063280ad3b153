$version: "2.0"

namespace example.enums

/// Suits of a card deck.
enum Suit {
    /// The first suit.
    DIAMOND
    CLUB = "club"
    @deprecated
    HEART = "heart"
    SPADE
}

intEnum Priority {
    LOW = 1
    MEDIUM = 2
    /// The most urgent.
    HIGH = 3
}
