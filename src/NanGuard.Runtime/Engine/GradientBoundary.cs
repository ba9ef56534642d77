using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NanGuard.Runtime;

/// <summary>
/// Where a NaN or Inf began in the backward pass, read from the gradients of one bad step: every module that holds
/// parameters, in model order (<c>named_parameters()</c> order, which is the order the modules were registered in,
/// usually the forward order), with whether its gradients are finite and their norm, and the boundary. The backward
/// pass runs from the last module to the first, so the boundary is the first module with non-finite gradients met
/// walking back from the loss (<see cref="FirstNonFiniteModule"/>) and the module met just before it, whose
/// gradients are still finite (<see cref="LastFiniteModule"/>): the NaN began between the two.
/// </summary>
/// <remarks>
/// <see cref="TrainingGuard"/> and <see cref="GradientCheck"/> compute it only on a step whose gradients are not
/// finite, from the same host synchronisation that names the first non-finite parameter: a clean step pays nothing.
/// </remarks>
public sealed class GradientBoundary
{
    private GradientBoundary(IReadOnlyList<ModuleGradient> modules)
    {
        Modules = modules;
        var last = -1;
        for (var i = modules.Count - 1; i >= 0; i--)
        {
            if (!modules[i].IsFinite)
            {
                last = i;
                break;
            }
        }

        FirstNonFiniteModule = last < 0 ? null : modules[last];
        LastFiniteModule = last >= 0 && last + 1 < modules.Count ? modules[last + 1] : null;
        NonFiniteModuleCount = modules.Count(m => !m.IsFinite);
    }

    /// <summary>Every module that holds a parameter with a gradient, in model order.</summary>
    public IReadOnlyList<ModuleGradient> Modules { get; }

    /// <summary>
    /// Walking back from the loss (from the last module to the first), the first module whose gradients hold NaN or
    /// Inf: the last such module in model order. <see langword="null"/> when every gradient is finite.
    /// </summary>
    public ModuleGradient? FirstNonFiniteModule { get; }

    /// <summary>
    /// Walking back from the loss, the module just before <see cref="FirstNonFiniteModule"/>: the module after it in
    /// model order, whose gradients (and those of every later module) are finite. <see langword="null"/> when the
    /// last module already has non-finite gradients (the NaN began between it and the loss) or when all are finite.
    /// </summary>
    public ModuleGradient? LastFiniteModule { get; }

    /// <summary>How many modules have a non-finite gradient.</summary>
    public int NonFiniteModuleCount { get; }

    /// <summary>
    /// Groups per-parameter results by module (the parameter name up to its last dot) in order of first appearance.
    /// </summary>
    /// <param name="parameterNames">The parameters' full names, in model order.</param>
    /// <param name="finite">Whether each parameter's gradient is finite.</param>
    /// <param name="norms">Each parameter's gradient p-norm.</param>
    /// <param name="normType">The p of the norm; a module's norm is the p-norm of its parameters' norms.</param>
    internal static GradientBoundary Of(IReadOnlyList<string> parameterNames, IReadOnlyList<bool> finite, IReadOnlyList<double> norms, double normType)
    {
        Require.NotNull(parameterNames, nameof(parameterNames));
        Require.NotNull(finite, nameof(finite));
        Require.NotNull(norms, nameof(norms));
        if (finite.Count != parameterNames.Count || norms.Count != parameterNames.Count)
        {
            throw new ArgumentException("One finite flag and one norm per parameter are needed.", nameof(finite));
        }

        var order = new List<string>();
        var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < parameterNames.Count; i++)
        {
            var path = ModulePathOf(parameterNames[i]);
            if (!members.TryGetValue(path, out var list))
            {
                members[path] = list = new List<int>();
                order.Add(path);
            }

            list.Add(i);
        }

        var modules = order.Select((path, index) =>
        {
            var list = members[path];
            return new ModuleGradient(index, path, list.Count, list.Count(i => !finite[i]), Combine(list.Select(i => norms[i]), normType));
        }).ToList();
        return new GradientBoundary(modules);
    }

    /// <summary>The path of the module that holds a parameter (<c>block.fc</c> for <c>block.fc.weight</c>).</summary>
    internal static string ModulePathOf(string parameterName)
    {
        var dot = parameterName.LastIndexOf('.');
        return dot < 0 ? NanDetector.ModelName : parameterName.Substring(0, dot);
    }

    /// <summary>
    /// At most <paramref name="limit"/> modules, those nearest the boundary in model order (all of them when there are
    /// no more): what a log shows of a model with thousands of modules.
    /// </summary>
    /// <param name="limit">The most modules to return; at least 1.</param>
    /// <returns>A contiguous run of <see cref="Modules"/>, in model order.</returns>
    public IReadOnlyList<ModuleGradient> Around(int limit)
    {
        Require.AtLeast(limit, 1, nameof(limit));
        if (Modules.Count <= limit)
        {
            return Modules;
        }

        var centre = FirstNonFiniteModule?.Index ?? Modules.Count - 1;
        var start = Math.Max(0, Math.Min(centre - ((limit - 1) / 2), Modules.Count - limit));
        return Modules.Skip(start).Take(limit).ToList();
    }

    /// <summary>One line: where the NaN began, by module.</summary>
    /// <returns>The boundary as text.</returns>
    public override string ToString()
    {
        var counts = $"{NonFiniteModuleCount.ToString(CultureInfo.InvariantCulture)} of {Modules.Count.ToString(CultureInfo.InvariantCulture)} modules non-finite";
        if (FirstNonFiniteModule is null)
        {
            return $"Boundary: every module's gradients are finite ({Modules.Count.ToString(CultureInfo.InvariantCulture)} modules): the global norm overflowed, not a gradient.";
        }

        var first = FirstNonFiniteModule.ModulePath;
        if (LastFiniteModule is null)
        {
            return $"Boundary: the last module in model order, '{first}', already has non-finite gradients ({counts}): the NaN began after it in the backward pass, in the loss or in an op between '{first}' and the loss.";
        }

        var finite = LastFiniteModule.ModulePath;
        return $"Boundary: gradients are finite in '{finite}' and every module after it, not in '{first}' ({counts}): the NaN began in the backward pass between '{finite}' and '{first}' (in '{first}' itself or in an op between them).";
    }

    private static double Combine(IEnumerable<double> norms, double normType)
    {
        if (double.IsPositiveInfinity(normType))
        {
            return norms.Aggregate(0.0, (max, n) => double.IsNaN(n) || double.IsNaN(max) ? double.NaN : Math.Max(max, Math.Abs(n)));
        }

        return Math.Pow(norms.Sum(n => Math.Pow(Math.Abs(n), normType)), 1 / normType);
    }
}

/// <summary>One module's gradients on a bad step: see <see cref="GradientBoundary"/>.</summary>
public sealed class ModuleGradient
{
    internal ModuleGradient(int index, string modulePath, int parameterCount, int nonFiniteParameters, double norm)
    {
        Index = index;
        ModulePath = modulePath;
        ParameterCount = parameterCount;
        NonFiniteParameters = nonFiniteParameters;
        Norm = norm;
    }

    /// <summary>The module's position among the modules that hold parameters with a gradient, in model order (0 first).</summary>
    public int Index { get; }

    /// <summary>The module's path in the model (<c>block.fc</c>), or <see cref="NanDetector.ModelName"/> for the model's own parameters.</summary>
    public string ModulePath { get; }

    /// <summary>How many of its parameters have a gradient.</summary>
    public int ParameterCount { get; }

    /// <summary>How many of those gradients hold NaN or Inf.</summary>
    public int NonFiniteParameters { get; }

    /// <summary>Whether every gradient of the module is finite.</summary>
    public bool IsFinite => NonFiniteParameters == 0;

    /// <summary>The p-norm of its gradients (the p of the guard's norm); NaN or infinite when a gradient is not finite.</summary>
    public double Norm { get; }

    /// <inheritdoc />
    public override string ToString() =>
        IsFinite
            ? $"'{ModulePath}': finite, norm {Numbers.Format(Norm)}"
            : $"'{ModulePath}': {NonFiniteParameters.ToString(CultureInfo.InvariantCulture)} of {ParameterCount.ToString(CultureInfo.InvariantCulture)} gradients not finite";
}
