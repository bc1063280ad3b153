$version: "2"

namespace example.simple

/// A blob.
blob MyBlob
boolean MyBoolean
@length(min: 1, max: 10)
string MyString
byte MyByte
short MyShort
@range(min: 0)
integer MyInteger
long MyLong
float MyFloat
double MyDouble
bigInteger MyBigInteger
bigDecimal MyBigDecimal
@timestampFormat("epoch-seconds")
timestamp MyTimestamp
document MyDocument
