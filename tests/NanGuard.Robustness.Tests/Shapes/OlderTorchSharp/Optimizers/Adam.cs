// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow TorchSharp's src/TorchSharp/Optimizers/Adam.cs and AdamW.cs.
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
            public static Modules.Adam Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) => throw null!;
            public static Modules.Adam Adam(IEnumerable<(string name, Parameter parameter)> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) => throw null!;
            public static Modules.Adam Adam(IEnumerable<Modules.Adam.ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) => throw null!;

            public static Modules.AdamW AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) => throw null!;
            public static Modules.AdamW AdamW(IEnumerable<(string name, Parameter parameter)> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) => throw null!;
            public static Modules.AdamW AdamW(IEnumerable<Modules.AdamW.ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) => throw null!;
        }
    }

    namespace Modules
    {
        using static torch.optim;

        public class Adam : OptimizerHelper, IBetas
        {
            public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) => throw null!;
            public Adam(IEnumerable<ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) => throw null!;

            public override torch.Tensor? step(Func<torch.Tensor>? closure = null) => throw null!;
            protected override void Dispose(bool disposing) => throw null!;
            public override void add_param_group(Modules.ParamGroup param_group) => throw null!;

            public (double, double) Betas { get => throw null!; set => throw null!; }

            public class State : OptimizerState, IDisposable
            {
                public long step;
                public torch.Tensor exp_avg = null!;
                public torch.Tensor exp_avg_sq = null!;
                public torch.Tensor? max_exp_avg_sq;

                public void Dispose() => throw null!;
                public override void to(torch.Device device) => throw null!;
                public override void LoadStateDict(BinaryReader reader) => throw null!;
                public override void SaveStateDict(BinaryWriter writer) => throw null!;
                public override void LoadStateDict(OptimizerState source) => throw null!;
                public override bool ApproximatelyEquals(OptimizerState other) => throw null!;
            }

            public class Options : OptimizerOptions
            {
                public double? beta1;
                public double? beta2;
                public double? eps;
                public double? weight_decay;
                public bool? amsgrad;
                public bool? maximize;

                public override void LoadStateDict(BinaryReader reader) => throw null!;
                public override void LoadStateDict(OptimizerOptions source) => throw null!;
                public override void SaveStateDict(BinaryWriter writer) => throw null!;
            }

            public class ParamGroup : ParamGroup<Options>, IBetas
            {
                public ParamGroup() => throw null!;
                public ParamGroup(IEnumerable<Parameter> parameters, Options options) => throw null!;

                public (double, double) Betas { get => throw null!; set => throw null!; }
            }
        }

        public class AdamW : OptimizerHelper, IBetas
        {
            public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) => throw null!;
            public AdamW(IEnumerable<ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) => throw null!;

            public override torch.Tensor? step(Func<torch.Tensor>? closure = null) => throw null!;
            protected override void Dispose(bool disposing) => throw null!;
            public override void add_param_group(Modules.ParamGroup param_group) => throw null!;

            public (double, double) Betas { get => throw null!; set => throw null!; }

            public class Options : OptimizerOptions
            {
                public double? beta1;
                public double? beta2;
                public double? eps;
                public double? weight_decay;
                public bool? amsgrad;
                public bool? maximize;

                public override void LoadStateDict(BinaryReader reader) => throw null!;
                public override void LoadStateDict(OptimizerOptions source) => throw null!;
                public override void SaveStateDict(BinaryWriter writer) => throw null!;
            }

            public class ParamGroup : ParamGroup<Options>, IBetas
            {
                public ParamGroup() => throw null!;
                public ParamGroup(IEnumerable<Parameter> parameters, Options options) => throw null!;

                public (double, double) Betas { get => throw null!; set => throw null!; }
            }
        }
    }
}
