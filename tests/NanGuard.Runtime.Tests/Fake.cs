using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;

namespace NanGuard.Runtime.Tests;

/// <summary>
/// Non-null TorchSharp objects for argument checks. No constructor runs (there is no libtorch here): any TorchSharp
/// member called on them throws, so a test that passes proves the check came before any TorchSharp call.
/// </summary>
internal static class Fake
{
    internal static torch.Tensor Tensor() => (torch.Tensor)RuntimeHelpers.GetUninitializedObject(typeof(torch.Tensor));

    internal static Adam Optimizer() => (Adam)RuntimeHelpers.GetUninitializedObject(typeof(Adam));

    internal static Linear Module() => (Linear)RuntimeHelpers.GetUninitializedObject(typeof(Linear));

    internal static Parameter[] NoParameters() => System.Array.Empty<Parameter>();
}
