import BridgectlCLI

Bridgectl.runAsMain()
