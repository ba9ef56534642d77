using System;
using System.Globalization;

namespace NanGuard.Runtime;

/// <summary>The first module whose forward output held NaN or Inf, as <see cref="NanDetector"/> found it.</summary>
public sealed class NanOffender
{
    /// <summary>Creates an offender record.</summary>
    /// <param name="moduleName">The module's name in the model (as <c>named_modules()</c> gives it).</param>
    /// <param name="moduleType">The module's type name, for example <c>Conv2d</c>.</param>
    /// <param name="outputIndex">Which tensor of the output (0 for a single tensor; the position in a tuple).</param>
    /// <param name="report">The offending tensor's report.</param>
    /// <exception cref="ArgumentNullException"><paramref name="moduleName"/>, <paramref name="moduleType"/> or <paramref name="report"/> is null.</exception>
    public NanOffender(string moduleName, string moduleType, int outputIndex, TensorReport report)
    {
        ModuleName = Require.NotNull(moduleName, nameof(moduleName));
        ModuleType = Require.NotNull(moduleType, nameof(moduleType));
        OutputIndex = outputIndex;
        Report = Require.NotNull(report, nameof(report));
    }

    /// <summary>The module's name in the model.</summary>
    public string ModuleName { get; }

    /// <summary>The module's type name.</summary>
    public string ModuleType { get; }

    /// <summary>Which tensor of the module's output held the non-finite values.</summary>
    public int OutputIndex { get; }

    /// <summary>Shape, dtype, NaN/Inf counts and finite min/max/mean of the offending output.</summary>
    public TensorReport Report { get; }

    /// <summary>One line naming the module and describing its output.</summary>
    /// <returns>The offender as text.</returns>
    public override string ToString()
    {
        var which = OutputIndex == 0 ? "output" : "output #" + OutputIndex.ToString(CultureInfo.InvariantCulture);
        return $"module '{ModuleName}' ({ModuleType}) produced a non-finite {which}: {Report}";
    }
}

/// <summary>Data of <see cref="NanDetector.Detected"/>.</summary>
public sealed class NonFiniteOutputEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="offender">The offending module and output.</param>
    /// <exception cref="ArgumentNullException"><paramref name="offender"/> is null.</exception>
    public NonFiniteOutputEventArgs(NanOffender offender)
    {
        Offender = Require.NotNull(offender, nameof(offender));
    }

    /// <summary>The offending module and output.</summary>
    public NanOffender Offender { get; }
}

/// <summary>Thrown from the forward pass by a <see cref="NanDetector"/> created with <c>throwOnDetection: true</c>.</summary>
[Serializable]
public sealed class NonFiniteOutputException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="offender">The offending module and output.</param>
    /// <exception cref="ArgumentNullException"><paramref name="offender"/> is null.</exception>
    public NonFiniteOutputException(NanOffender offender)
        : base(Require.NotNull(offender, nameof(offender)).ToString())
    {
        Offender = offender;
    }

    /// <summary>The offending module and output.</summary>
    public NanOffender Offender { get; }
}
