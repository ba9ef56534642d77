using System;
using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;

namespace NanGuard.Runtime.Tests;

/// <summary>
/// Non-null TorchSharp objects for argument checks. No constructor runs: any TorchSharp member called on them
/// throws, so a test that passes proves the check came before any TorchSharp call. Their finalizers are suppressed:
/// TorchSharp's (Adam's, Module's, Tensor's) would dereference the state no constructor set, and crash the test host
/// at the next GC, now that the tensor tests make GCs happen.
/// </summary>
internal static class Fake
{
    internal static torch.Tensor Tensor() => Uninitialized<torch.Tensor>();

    internal static Adam Optimizer() => Uninitialized<Adam>();

    internal static Linear Module() => Uninitialized<Linear>();

    internal static Parameter[] NoParameters() => Array.Empty<Parameter>();

    internal static T Uninitialized<T>() where T : class
    {
        var value = (T)RuntimeHelpers.GetUninitializedObject(typeof(T));
        GC.SuppressFinalize(value);
        return value;
    }
}
