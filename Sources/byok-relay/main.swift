import Glibc
import Relay

// No C callbacks here: top-level code is main-actor isolated (DESIGN.md §11).
exit(RelayMain.run(Array(CommandLine.arguments.dropFirst())))
