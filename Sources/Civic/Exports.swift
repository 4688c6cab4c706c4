// The types an embedding program needs come with `import Civic`.
@_exported import CivicSyntax
@_exported import CivicCheck
@_exported import CivicRuntime
@_exported import CivicStore
@_exported import CivicPostgres
