using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NanGuard.Runtime;

/// <summary>
/// Carries out the engine's decisions on a model and its optimizer: zero the gradients, scale the learning rate,
/// keep and restore the known-good state. It decides nothing.
/// </summary>
internal sealed class DecisionApplier : IDisposable
{
    private readonly nn.Module _model;
    private readonly optim.Optimizer _optimizer;
    private Snapshot? _snapshot;

    internal DecisionApplier(nn.Module model, optim.Optimizer optimizer)
    {
        _model = model;
        _optimizer = optimizer;
    }

    internal bool HasSnapshot => _snapshot is not null;

    internal void ZeroGradients() => Gradients.Zero(_optimizer, _model.parameters());

    /// <summary>Multiplies every param group's current learning rate, so that a scheduler's changes compose with it.</summary>
    internal void ScaleLearningRate(double ratio)
    {
        foreach (var group in _optimizer.ParamGroups)
        {
            group.LearningRate *= ratio;
        }
    }

    /// <summary>
    /// Captures the model's state (a detached clone of every state-dict tensor) and the optimizer's (serialised to
    /// memory), and keeps it only if every floating-point value is finite. The previous snapshot is released only
    /// once the new one is complete, so a failure here never loses it.
    /// </summary>
    internal bool TryCaptureSnapshot()
    {
        Snapshot? next = null;
        try
        {
            next = Snapshot.Capture(_model, _optimizer);
            if (!next.AllFinite())
            {
                next.Dispose();
                return false;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            next?.Dispose();
            return false;
        }

        var previous = _snapshot;
        _snapshot = next;
        previous?.Dispose();
        return true;
    }

    /// <summary>Restores the known-good state. The snapshot stays, for the next rollback.</summary>
    /// <returns>A note for the diagnosis when the optimizer's state could not be restored, else null.</returns>
    internal string? Restore()
    {
        if (_snapshot is null)
        {
            throw new InvalidOperationException("No known-good state to restore.");
        }

        return _snapshot.RestoreInto(_model, _optimizer);
    }

    public void Dispose()
    {
        _snapshot?.Dispose();
        _snapshot = null;
    }

    private sealed class Snapshot : IDisposable
    {
        private readonly Dictionary<string, Tensor> _model;
        private readonly byte[]? _optimizer;

        private Snapshot(Dictionary<string, Tensor> model, byte[]? optimizer)
        {
            _model = model;
            _optimizer = optimizer;
        }

        internal static Snapshot Capture(nn.Module model, optim.Optimizer optimizer)
        {
            var copies = new Dictionary<string, Tensor>();
            try
            {
                using (torch.no_grad())
                {
                    foreach (var entry in model.state_dict())
                    {
                        using var detached = entry.Value.detach();

                        // The snapshot outlives the caller's batch: a dispose scope around Step() must not take it.
                        copies.Add(entry.Key, detached.clone().DetachFromDisposeScope());
                    }
                }

                return new Snapshot(copies, SaveOptimizer(optimizer));
            }
            catch
            {
                foreach (var t in copies.Values)
                {
                    t.Dispose();
                }

                throw;
            }
        }

        internal bool AllFinite() => _model.Values.All(TorchStatistics.AllFinite);

        internal string? RestoreInto(nn.Module model, optim.Optimizer optimizer)
        {
            // load_state_dict copies into the live tensors (under no_grad): the snapshot's own tensors stay intact.
            model.load_state_dict(_model, strict: true);
            if (_optimizer is null || optimizer is not OptimizerHelper helper)
            {
                return $"The optimizer's state ({optimizer.GetType().Name}) was not restored: it does not expose save_state_dict/load_state_dict.";
            }

            using var stream = new MemoryStream(_optimizer, writable: false);
            using var reader = new BinaryReader(stream);
            helper.load_state_dict(reader);
            return null;
        }

        public void Dispose()
        {
            foreach (var t in _model.Values)
            {
                t.Dispose();
            }

            _model.Clear();
        }

        private static byte[]? SaveOptimizer(optim.Optimizer optimizer)
        {
            if (optimizer is not OptimizerHelper helper)
            {
                return null;
            }

            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream))
            {
                helper.save_state_dict(writer);
                writer.Flush();
                return stream.ToArray();
            }
        }
    }
}
