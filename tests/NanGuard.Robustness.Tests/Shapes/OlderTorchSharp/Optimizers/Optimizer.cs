// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow TorchSharp's src/TorchSharp/Optimizers/Optimizer.cs.
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using TorchSharp.Modules;

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class optim
        {
            public abstract partial class Optimizer : IDisposable
            {
                protected Optimizer(IntPtr handle) => throw null!;

                public void Dispose() => throw null!;
                protected virtual void Dispose(bool disposing) => throw null!;

                public virtual void zero_grad() => throw null!;

                [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
                public delegate IntPtr LossClosure();

                public virtual void add_param_group(ParamGroup param_group) => throw null!;

                // Returns the closure's loss, or null when no closure is given.
                public virtual Tensor? step(Func<Tensor>? closure = null) => throw null!;

                public virtual IEnumerable<Parameter> parameters() => throw null!;

                public class StateDictionary
                {
                    internal StateDictionary() => throw null!;

                    public List<OptimizerOptions> Options => throw null!;
                    public List<OptimizerState> State => throw null!;
                }

                // Each param group's current and initial learning rate, as LR schedulers use them.
                public virtual IEnumerable<ILearningRateController> ParamGroups => throw null!;

                protected IList<ParamGroup> _parameter_groups = null!;
            }

            public interface ILearningRateController
            {
                double LearningRate { set; get; }
                double InitialLearningRate { set; get; }
            }

            public interface IMomentum
            {
                double Momentum { get; set; }
            }

            public interface IBetas
            {
                (double, double) Betas { get; set; }
            }
        }
    }

    namespace Modules
    {
        using static torch.optim;

        public abstract class OptimizerHelper : Optimizer
        {
            public OptimizerHelper() : base(IntPtr.Zero) => throw null!;

            public void save_state_dict(string location) => throw null!;
            public void load_state_dict(string location) => throw null!;
            public void save_state_dict(BinaryWriter writer) => throw null!;
            public void load_state_dict(BinaryReader reader) => throw null!;
            public virtual void load_state_dict(StateDictionary state_dict) => throw null!;
            public virtual StateDictionary state_dict() => throw null!;

            public void to(torch.Device device) => throw null!;

            public override void zero_grad() => throw null!;
            public override IEnumerable<Parameter> parameters() => throw null!;
            public override void add_param_group(ParamGroup param_group) => throw null!;

            protected torch.Tensor? _step<T>(Action<T> body, Func<torch.Tensor>? loss_closure = null) where T : ParamGroup => throw null!;

            protected OptimizerOptions _defaults = null!;
        }

        public class OptimizerOptions
        {
            public double? LearningRate { get => throw null!; set => throw null!; }
            public double InitialLearningRate { get => throw null!; set => throw null!; }

            public virtual void SaveStateDict(BinaryWriter writer) => throw null!;
            public virtual void LoadStateDict(BinaryReader reader) => throw null!;
            public virtual void LoadStateDict(OptimizerOptions source) => throw null!;
        }

        public abstract class OptimizerState
        {
            public abstract void SaveStateDict(BinaryWriter writer);
            public abstract void LoadStateDict(BinaryReader reader);
            public abstract void LoadStateDict(OptimizerState source);
            public virtual bool ApproximatelyEquals(OptimizerState other) => throw null!;
            public virtual void to(torch.Device device) => throw null!;
        }

        public class ParamGroup : ILearningRateController
        {
            public IEnumerable<Parameter> Parameters { get => throw null!; set => throw null!; }
            public OptimizerOptions Options { get => throw null!; set => throw null!; }
            public double LearningRate { get => throw null!; set => throw null!; }
            public double InitialLearningRate { get => throw null!; set => throw null!; }
        }

        public class ParamGroup<TOptions> : ParamGroup where TOptions : OptimizerOptions
        {
            public ParamGroup() => throw null!;
            public ParamGroup(IEnumerable<Parameter> parameters, TOptions? options = null) => throw null!;

            public new TOptions Options { get => throw null!; set => throw null!; }
        }
    }
}
