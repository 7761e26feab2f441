import ArgumentParser

struct ContainerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "container",
        abstract: "Manage containers: named network namespaces (ip netns compatible).",
        subcommands: [ContainerCreate.self, ContainerList.self, ContainerInspect.self, ContainerRemove.self,
                      ContainerPrune.self])
}
