$version: "2.0"
$operationInputSuffix: "Request"
$operationOutputSuffix: "Response"

namespace example.inline

@mixin
structure Paged {
    nextToken: String
}

operation ListThings {
    input := @documentation("Input doc.") with [Paged] {
        maxResults: Integer
    }
    output := @sensitive {
        things: ThingList
    }
}

list ThingList {
    member: String
}
