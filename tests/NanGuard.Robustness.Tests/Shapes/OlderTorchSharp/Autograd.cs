// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow TorchSharp's src/TorchSharp/Autograd.cs and AnomalyMode.
using System;

namespace TorchSharp;

public sealed class AnomalyMode : IDisposable
{
    public AnomalyMode(bool enabled, bool check_nan = true) => throw null!;

    public static bool IsEnabled => throw null!;
    public static bool ShouldCheckNaN => throw null!;

    public void Dispose() => throw null!;
}

public static partial class torch
{
    public static partial class autograd
    {
        public static AnomalyMode detect_anomaly(bool check_nan = true) => throw null!;
        public static AnomalyMode set_detect_anomaly(bool mode, bool check_nan = true) => throw null!;
    }
}
