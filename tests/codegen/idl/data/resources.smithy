$version: "2.0"

namespace example.weather

service Weather {
    version: "2006-03-01"
    resources: [City]
    operations: [GetCurrentTime]
    errors: [ServiceFault]
    rename: {"example.weather#CityId": "CityIdentifier"}
}

resource City {
    identifiers: {cityId: CityId}
    properties: {name: String, coordinates: CityCoordinates}
    read: GetCity
    list: ListCities
    resources: [Forecast]
    collectionOperations: [BatchGetCities]
}

resource Forecast {
    identifiers: {cityId: CityId}
    read: GetForecast
}

string CityId

structure CityCoordinates {
    @required
    latitude: Float
    @required
    longitude: Float
}

@readonly
operation GetCity {
    input := for City {
        @required
        $cityId
    }
    output := for City {
        @required
        $name
        $coordinates
    }
    errors: [NoSuchResource]
}

@readonly
operation ListCities {
    input := {
        nextToken: String
    }
    output := {}
}

operation BatchGetCities {}

@readonly
operation GetForecast {
    input: GetForecastInput
    output: GetForecastOutput
}

@input
structure GetForecastInput for Forecast {
    @required
    $cityId
}

@output
structure GetForecastOutput {
    chanceOfRain: Float
}

@readonly
operation GetCurrentTime {
    output := {
        @required
        time: Timestamp
    }
}

@error("client")
structure NoSuchResource {
    @required
    resourceType: String
}

@error("server")
structure ServiceFault {}
