using System;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.ExceptionServices;
using TorchSharp;
using static TorchSharp.torch;

namespace NanGuard.Runtime;

/// <summary>
/// A debugging scope that names the module whose forward output first holds NaN or Inf. It registers a forward hook
/// on the model and every submodule derived from TorchSharp's <c>Module&lt;T1, ..., TResult&gt;</c> forms, whatever their
/// number of inputs (TorchSharp runs hooks only through <c>call()</c>, not <c>forward()</c>), checks
/// each floating-point output with one reduction, and on the first non-finite one records a
/// <see cref="NanOffender"/>: module name, type, the output's shape and dtype, NaN/Inf counts and finite min/max.
/// Optionally it turns on TorchSharp's autograd anomaly mode, so that <c>backward()</c> names the op whose gradient
/// went NaN. Dispose it to remove the hooks and restore anomaly mode.
/// </summary>
/// <remarks>
/// Hooks fire when a module's forward returns, so inner modules report before the modules that contain them: the
/// first offender is the innermost, earliest module. Each check synchronises with the device; use the scope to
/// find a bug, not in every run.
/// </remarks>
/// <example>
/// <code>
/// using (var detector = new NanDetector(model))
/// {
///     using var output = model.call(input);
///     if (detector.FirstOffender is { } offender) Console.WriteLine(offender);
/// }
/// </code>
/// </example>
public sealed class NanDetector : IDisposable
{
    private readonly List<Action> _removers = new();
    private readonly List<string> _unhooked = new();
    private readonly OffenderLog _log;
    private readonly bool _throwOnDetection;
    private IDisposable? _anomaly;
    private bool _disposed;

    /// <summary>Hooks <paramref name="model"/> and all its submodules.</summary>
    /// <param name="model">The model to watch.</param>
    /// <param name="detectAnomaly">Also turn on autograd anomaly mode (<c>torch.autograd.detect_anomaly()</c>) until disposed: slow, but <c>backward()</c> then names the op that produced NaN.</param>
    /// <param name="throwOnDetection">Throw <see cref="NonFiniteOutputException"/> from the forward pass at the first offender, instead of only recording it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public NanDetector(nn.Module model, bool detectAnomaly = false, bool throwOnDetection = false)
    {
        Require.NotNull(model, nameof(model));
        _throwOnDetection = throwOnDetection;
        _log = new OffenderLog();
        var seen = new HashSet<nn.Module>(ReferenceEqualityComparer.Instance);
        Attach(ModelName, model, seen);
        foreach (var (name, module) in model.named_modules())
        {
            Attach(name, module, seen);
        }

        if (detectAnomaly)
        {
            _anomaly = torch.autograd.detect_anomaly(check_nan: true);
        }
    }

    /// <summary>The name the model itself is reported under.</summary>
    public const string ModelName = "(model)";

    /// <summary>Raised once, at the first module output that holds NaN or Inf (after <see cref="Reset"/>, once again).</summary>
    public event EventHandler<NonFiniteOutputEventArgs>? Detected;

    /// <summary>The first module whose output held NaN or Inf since the scope began (or since <see cref="Reset"/>), or <see langword="null"/>.</summary>
    public NanOffender? FirstOffender => _log.First;

    /// <summary>How many modules are hooked.</summary>
    public int HookedModules => _removers.Count;

    /// <summary>Modules that could not be hooked (not derived from TorchSharp's hookable <c>Module&lt;...&gt;</c> forms); their outputs are seen only through the module that calls them.</summary>
    public IReadOnlyList<string> UnhookedModules => _unhooked;

    /// <summary>How many outputs have been checked.</summary>
    public long OutputsChecked => _log.Checked;

    /// <summary>Forgets the first offender, to look for the next one (for example at the next batch).</summary>
    public void Reset() => _log.Reset();

    /// <summary>Removes every hook and restores anomaly mode.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var remove in _removers)
        {
            remove();
        }

        _removers.Clear();
        _anomaly?.Dispose();
        _anomaly = null;
    }

    private void Attach(string name, nn.Module module, HashSet<nn.Module> seen)
    {
        if (!seen.Add(module))
        {
            return;
        }

        var hookable = ForwardHooks.FindHookable(module.GetType());
        if (hookable is null)
        {
            _unhooked.Add(name);
            return;
        }

        var hookType = hookable.GetGenericArguments()[1];
        var hook = ForwardHooks.BuildPostHook(hookType, (m, output) => Inspect(name, m, output));
        var register = hookable.GetMethod("register_forward_hook", new[] { hookType })!;
        var remover = Invoke(register, module, hook)!;
        var remove = remover.GetType().GetMethod("remove", Type.EmptyTypes)!;
        _removers.Add((Action)Delegate.CreateDelegate(typeof(Action), remover, remove));
    }

    private static object? Invoke(MethodInfo method, object target, params object[] arguments)
    {
        try
        {
            return method.Invoke(target, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }

    private void Inspect(string name, nn.Module module, object? output)
    {
        if (_log.First is not null)
        {
            return;
        }

        var index = 0;
        foreach (var tensor in OutputTensors.Of(output))
        {
            _log.Checked++;
            if (!TorchStatistics.AllFinite(tensor))
            {
                var report = TensorReport.Of(tensor, name);
                var offender = new NanOffender(name, module.GetType().Name, index, report);
                if (_log.Record(offender))
                {
                    Detected?.Invoke(this, new NonFiniteOutputEventArgs(offender));
                    if (_throwOnDetection)
                    {
                        throw new NonFiniteOutputException(offender);
                    }
                }

                return;
            }

            index++;
        }
    }

    private sealed class ReferenceEqualityComparer : IEqualityComparer<nn.Module>
    {
        internal static readonly ReferenceEqualityComparer Instance = new();

        public bool Equals(nn.Module? x, nn.Module? y) => ReferenceEquals(x, y);

        public int GetHashCode(nn.Module obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}

/// <summary>
/// Forward hooks for any arity of TorchSharp's <c>Module&lt;T1, ..., TResult&gt;</c>: each derives from
/// <c>HookableModule&lt;TPreHook, TPostHook&gt;</c> with TPostHook = <c>Func&lt;module, inputs..., TResult, TResult&gt;</c>.
/// </summary>
internal static class ForwardHooks
{
    /// <summary>The closed <c>HookableModule&lt;,&gt;</c> a module type derives from, or null.</summary>
    internal static Type? FindHookable(Type moduleType)
    {
        for (var type = moduleType; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(nn.HookableModule<,>))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>A TPostHook that passes the module and its output to <paramref name="inspect"/> and returns the output unchanged.</summary>
    internal static Delegate BuildPostHook(Type hookType, Action<nn.Module, object?> inspect)
    {
        var invoke = hookType.GetMethod("Invoke")!;
        var parameters = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
        var output = parameters[parameters.Length - 1];
        var body = Expression.Block(
            Expression.Invoke(
                Expression.Constant(inspect),
                Expression.Convert(parameters[0], typeof(nn.Module)),
                Expression.Convert(output, typeof(object))),
            output);
        return Expression.Lambda(hookType, body, parameters).Compile();
    }
}

/// <summary>The tensors inside a module's output: the output itself, the items of a tuple, or of a list.</summary>
internal static class OutputTensors
{
    internal static IEnumerable<Tensor> Of(object? output)
    {
        switch (output)
        {
            case null:
                yield break;
            case Tensor tensor:
                yield return tensor;
                yield break;
            case System.Collections.IEnumerable items when output is not string:
                foreach (var item in items)
                {
                    foreach (var t in Of(item))
                    {
                        yield return t;
                    }
                }

                yield break;
        }

        var type = output.GetType();
        if (type.IsValueType && type.FullName is string fullName && fullName.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
        {
            foreach (var field in type.GetFields().OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                foreach (var t in Of(field.GetValue(output)))
                {
                    yield return t;
                }
            }
        }
    }
}

/// <summary>Keeps the first offender; plain C#.</summary>
internal sealed class OffenderLog
{
    internal NanOffender? First { get; private set; }

    internal long Checked { get; set; }

    /// <summary>Records the offender if it is the first; returns whether it was.</summary>
    internal bool Record(NanOffender offender)
    {
        if (First is not null)
        {
            return false;
        }

        First = offender;
        return true;
    }

    internal void Reset() => First = null;
}
