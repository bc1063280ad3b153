// Control statements, metadata of every node form, commas as whitespace.
$version: "2.0"
$operationInputSuffix: "Request",
$operationOutputSuffix: "Response"

metadata greeting = "hello"
metadata "quoted key" = 1.5
metadata flags = [true, false, null,]
metadata nested = {a: {b: [1, -2, 3e2]}, "c": "d"}
metadata unquoted = SomeShape

namespace example.control

operation Ping {
    input := {}
    output := {}
}
