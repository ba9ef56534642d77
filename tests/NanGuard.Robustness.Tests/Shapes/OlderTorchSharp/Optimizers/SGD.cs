// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow TorchSharp's src/TorchSharp/Optimizers/SGD.cs.
using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp.Modules;

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class optim
        {
            // SGD's learning rate is required and named learningRate in the factories (lr in the constructors).
            public static Modules.SGD SGD(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false, bool maximize = false) => throw null!;
            public static Modules.SGD SGD(IEnumerable<(string name, Parameter parameter)> parameters, double learningRate, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false, bool maximize = false) => throw null!;
            public static Modules.SGD SGD(IEnumerable<Modules.SGD.ParamGroup> parameters, double learningRate, double momentum = 0.0, double dampening = 0, double weight_decay = 0, bool nesterov = false, bool maximize = false) => throw null!;
        }
    }

    namespace Modules
    {
        using static torch.optim;

        public class SGD : OptimizerHelper, IMomentum
        {
            public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0.0, double dampening = 0, double weight_decay = 0, bool nesterov = false, bool maximize = false) => throw null!;
            public SGD(IEnumerable<ParamGroup> parameters, double lr, double momentum = 0.0, double dampening = 0, double weight_decay = 0, bool nesterov = false, bool maximize = false) => throw null!;

            public override torch.Tensor? step(Func<torch.Tensor>? closure = null) => throw null!;
            protected override void Dispose(bool disposing) => throw null!;
            public override void add_param_group(Modules.ParamGroup param_group) => throw null!;

            public double Momentum { get => throw null!; set => throw null!; }

            public class State : OptimizerState, IDisposable
            {
                public torch.Tensor? momentum_buffer;

                public void Dispose() => throw null!;
                public override void to(torch.Device device) => throw null!;
                public override void LoadStateDict(BinaryReader reader) => throw null!;
                public override void SaveStateDict(BinaryWriter writer) => throw null!;
                public override void LoadStateDict(OptimizerState source) => throw null!;
                public override bool ApproximatelyEquals(OptimizerState other) => throw null!;
            }

            public class Options : OptimizerOptions
            {
                public double? momentum;
                public double? dampening;
                public double? weight_decay;
                public bool? nesterov;
                public bool? maximize;

                public override void LoadStateDict(BinaryReader reader) => throw null!;
                public override void LoadStateDict(OptimizerOptions source) => throw null!;
                public override void SaveStateDict(BinaryWriter writer) => throw null!;
            }

            public class ParamGroup : ParamGroup<Options>, IMomentum
            {
                public ParamGroup() => throw null!;
                public ParamGroup(IEnumerable<Parameter> parameters, Options options) => throw null!;

                public double Momentum { get => throw null!; set => throw null!; }
            }
        }
    }
}
